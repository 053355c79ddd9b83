// The room runs under a supervisor. Kill it, and the supervisor starts a new one under the same name.

import { ChatServer, ChatSupervisor } from '@otp-chat/03-supervised-server';
import { exit, Supervisor, whereis } from '@otp-chat/otp';

await ChatSupervisor.startLink();
// => [ 'ok', #PID<...> ]

await ChatServer.createMessage('hello world');
// => [ 'ok', Message { content: 'hello world', username: 'anon' } ]

await ChatServer.createMessage({ content: 'hello world', username: 'gage' });
// => [ 'ok', Message { content: 'hello world', username: 'gage' } ]

await ChatServer.createMessage({ content: '' });
// => [ 'error', 'empty_content' ]

await ChatServer.getMessages();
// => [
//      Message { content: 'hello world', username: 'anon' },
//      Message { content: 'hello world', username: 'gage' }
//    ]

const before = whereis('ChatServer');

before;
// => #PID<...>

exit(before!, 'kill');
// => true
//    =SUPERVISOR REPORT= child terminated
//      supervisor: #PID<...> (ChatServer.Supervisor)
//      child:      'ChatServer' #PID<...> (permanent worker)
//      reason:     killed
//      action:     restarting it

await Supervisor.countChildren('ChatServer.Supervisor');
// => { specs: 1, active: 1, supervisors: 0, workers: 1 }

whereis('ChatServer');
// => #PID<...>

whereis('ChatServer') === before;
// => false

await ChatServer.getMessages();
// => []
