// Posting: each create adds to the room's list, and a get shows the list oldest first.

import { loop } from '@otp-chat/01-list-state-loop';
import { flush, self, send, spawn } from '@otp-chat/otp';

const pid = spawn(() => loop());

send(pid, ['create', 'hello world']);
// => [ 'create', 'hello world' ]

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => [ 'hello world' ]

send(pid, ['create', 'hello again']);
// => [ 'create', 'hello again' ]

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => [ 'hello world', 'hello again' ]
