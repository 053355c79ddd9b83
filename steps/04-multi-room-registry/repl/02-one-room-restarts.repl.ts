// Killing one room's process restarts that room alone; the others keep their messages.

import { ChatServer, ChatSupervisor } from '@otp-chat/04-multi-room-registry';
import { exit, printTree, Supervisor } from '@otp-chat/otp';

await ChatSupervisor.startLink();
// => [ 'ok', #PID<...> ]

await ChatServer.createRoom('lobby');
// => 'ok'

await ChatServer.createRoom('games');
// => 'ok'

await ChatServer.createMessage('lobby', 'hello lobby');
// => [ 'ok', Message { content: 'hello lobby', username: 'anon' } ]

await ChatServer.createMessage('games', 'hello games');
// => [ 'ok', Message { content: 'hello games', username: 'anon' } ]

printTree();
// => #PID<...> ChatServer.Supervisor (supervisor, rest_for_one)
//    ├─ #PID<...> ChatServer.Registry (registry)
//    └─ #PID<...> ChatServer.RoomSupervisor (supervisor)
//       ├─ #PID<...> lobby (worker, ChatServer)
//       └─ #PID<...> games (worker, ChatServer)

const lobby = ChatServer.whereis('lobby');

const games = ChatServer.whereis('games');

exit(lobby!, 'kill');
// => true
//    =SUPERVISOR REPORT= child terminated
//      supervisor: #PID<...> (ChatServer.RoomSupervisor)
//      child:      'lobby' #PID<...> (permanent worker)
//      reason:     killed
//      action:     restarting it

await Supervisor.countChildren('ChatServer.RoomSupervisor');
// => { specs: 2, active: 2, supervisors: 0, workers: 2 }

ChatServer.whereis('lobby') === lobby;
// => false

ChatServer.whereis('games') === games;
// => true

await ChatServer.getMessages('lobby');
// => [ 'ok', [] ]

await ChatServer.getMessages('games');
// => [ 'ok', [ Message { content: 'hello games', username: 'anon' } ] ]

printTree();
// => #PID<...> ChatServer.Supervisor (supervisor, rest_for_one)
//    ├─ #PID<...> ChatServer.Registry (registry)
//    └─ #PID<...> ChatServer.RoomSupervisor (supervisor)
//       ├─ #PID<...> games (worker, ChatServer)
//       └─ #PID<...> lobby (worker, ChatServer)
