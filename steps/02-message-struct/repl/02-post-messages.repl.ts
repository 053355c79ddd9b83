// Posts become Message structs: the text alone is posted by "anon", an object names its author.

import { loop } from '@otp-chat/02-message-struct';
import { flush, self, send, spawn } from '@otp-chat/otp';

const pid = spawn(() => loop());

send(pid, ['create', 'hello world']);
// => [ 'create', 'hello world' ]

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => [ Message { content: 'hello world', username: 'anon' } ]

send(pid, ['create', { content: 'hello world', username: 'gage' }]);
// => [ 'create', { content: 'hello world', username: 'gage' } ]

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => [
//      Message { content: 'hello world', username: 'anon' },
//      Message { content: 'hello world', username: 'gage' }
//    ]
