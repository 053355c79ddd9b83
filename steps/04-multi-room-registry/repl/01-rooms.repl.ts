// Rooms are opened by name and live side by side; each keeps its own messages.
import { ChatServer, ChatSupervisor } from '@otp-chat/04-multi-room-registry';

await ChatSupervisor.startLink();
// => [ 'ok', #PID<...> ]

await ChatServer.createRoom('lobby');
// => 'ok'

await ChatServer.createRoom('games');
// => 'ok'

await ChatServer.createRoom('lobby');
// => [ 'error', 'already_exists' ]

await ChatServer.listRooms();
// => [ 'games', 'lobby' ]

await ChatServer.createMessage('lobby', 'hello lobby');
// => [ 'ok', Message { content: 'hello lobby', username: 'anon' } ]

await ChatServer.createMessage('games', { content: 'anyone for chess?', username: 'gage' });
// => [ 'ok', Message { content: 'anyone for chess?', username: 'gage' } ]

await ChatServer.createMessage('kitchen', 'is this on?');
// => [ 'error', 'no_such_room' ]

await ChatServer.getMessages('lobby');
// => [ 'ok', [ Message { content: 'hello lobby', username: 'anon' } ] ]

await ChatServer.getMessages('games');
// => [
//      'ok',
//      [ Message { content: 'anyone for chess?', username: 'gage' } ]
//    ]
