// A post that fails the checks is dropped with a warning that gives the reason's code.

import { loop, newMessage } from '@otp-chat/02-message-struct';
import { flush, self, send, spawn } from '@otp-chat/otp';

newMessage({ content: 'hi', username: 'gage' });
// => [ 'ok', Message { content: 'hi', username: 'gage' } ]

newMessage({ content: '   ' });
// => [ 'error', 'empty_content' ]

const pid = spawn(() => loop());

send(pid, ['create', { content: 'hi', username: '' }]);
// => [ 'create', { content: 'hi', username: '' } ]
//    chat server #PID<...>: rejected [ 'create', { content: 'hi', username: '' } ]: empty_username

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => []
