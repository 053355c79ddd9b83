// A link ties two processes together: kill one, and the exit signal takes the other with it.
import { exit, isAlive, link, Process, receive, spawn } from '@otp-chat/otp';

const first = spawn(() => receive());

const second = spawn(async () => {
  link(first);
  await receive();
});

Process.info(second)?.links;
// => [ #PID<...> ]

exit(first, 'kill');
// => true

isAlive(first);
// => false

isAlive(second);
// => false
