// A new room: spawn the loop, ask it for its messages, and see the reply in our mailbox.

import { loop } from '@otp-chat/02-message-struct';
import { flush, self, send, spawn } from '@otp-chat/otp';

const pid = spawn(() => loop());

send(pid, ['get', self()]);
// => [ 'get', #PID<...> ]

await flush();
// => []
