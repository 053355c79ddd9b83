// A selective receive takes the oldest message that matches its pattern and leaves the others
// where they are, in order: the way a call picks its reply out of a busy mailbox.
import { _, flush, Process, receive, self, send } from '@otp-chat/otp';

send(self(), 'something else');
// => 'something else'

send(self(), ['reply', 42]);
// => [ 'reply', 42 ]

await receive(['reply', _]);
// => [ 'reply', 42 ]

Process.info(self())?.messageQueueLength;
// => 1

await flush();
// => 'something else'
