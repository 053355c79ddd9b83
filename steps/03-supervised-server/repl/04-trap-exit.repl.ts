// A process that traps exits survives a linked process's exit: the signal comes as a message.
// The shell can trap exits too; a supervisor does, to hear of each child's death.
import { exit, flush, isAlive, receive, self, spawnLink, trapExit } from '@otp-chat/otp';

trapExit(true);
// => false

const worker = spawnLink(() => exit('broken'));

await flush();
// => { type: 'EXIT', from: #PID<...>, reason: 'broken' }

isAlive(worker);
// => false

const sleeper = spawnLink(() => receive());

exit(sleeper, 'kill');
// => true

await flush();
// => { type: 'EXIT', from: #PID<...>, reason: 'killed' }

isAlive(self());
// => true
