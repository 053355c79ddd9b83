// A server stopped and started again on the same data directory. In step 7 what was said lived
// in the history keeper, and went with the server; now it is in a SQLite file, and comes back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineClient, startChat } from '@otp-chat/08-persistence';

const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-repl-'));

const chat = await startChat({ port: 0, webPort: 0, dataDir });

chat.database.replace(dataDir, '<data-dir>');
// => '<data-dir>/chat.sqlite3 (sqlite)'

const ada = await LineClient.connect(chat.port);

ada.send('ada');

await ada.expect(/^You joined/);
// => 'You joined lobby; nobody else is here.'

ada.send('the build is green');

ada.send('/create release Everything about Friday');

await ada.next();
// => 'You made release; /join release to talk there.'

await chat.stop();

const again = await startChat({ port: 0, webPort: 0, dataDir });

const bob = await LineClient.connect(again.port);

bob.send('bob');

await bob.expect(/^You joined/);
// => 'You joined lobby; nobody else is here.'

/** A line with its time (UTC), the time shown as its shape: it changes every run. */
const untimed = (line: string) => line.replace(/^\[\d\d:\d\d\]/, '[HH:MM]');

untimed(await bob.next());
// => '[HH:MM] ada: the build is green'

bob.send('/rooms');

await bob.next();
// => 'Rooms: lobby (1), release (0) "Everything about Friday"'

await again.stop();
