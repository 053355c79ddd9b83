// A request the room does not understand is dropped with a warning, so it never clogs the mailbox.

import { loop } from '@otp-chat/02-message-struct';
import { Process, send, spawn } from '@otp-chat/otp';

const pid = spawn(() => loop());

send(pid, ['delete', 'everything']);
// => [ 'delete', 'everything' ]
//    chat server #PID<...>: dropped unknown request [ 'delete', 'everything' ]

Process.info(pid)?.messageQueueLength;
// => 0
