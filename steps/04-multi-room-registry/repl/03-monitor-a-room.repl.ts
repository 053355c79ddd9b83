// A monitor watches a room without being tied to it: when the room goes, the watcher is sent a
// DOWN message that says why, and carries on. The restarted lobby is a new process.
import { ChatServer, ChatSupervisor } from '@otp-chat/04-multi-room-registry';
import { exit, monitor, receive } from '@otp-chat/otp';

await ChatSupervisor.startLink();
// => [ 'ok', #PID<...> ]

await ChatServer.createRoom('lobby');
// => 'ok'

const lobby = ChatServer.whereis('lobby')!;

const ref = monitor(lobby);

exit(lobby, 'kill');
// => true
//    ...

await receive({ type: 'DOWN', ref });
// => {
//      type: 'DOWN',
//      ref: #Reference<...>,
//      pid: #PID<...>,
//      reason: 'killed'
//    }

ChatServer.whereis('lobby') === lobby;
// => false
