// How the database finds a page of history (get_history with `before`): the plan of the query,
// as SQLite prints it. It goes straight to the room's messages before that id through the
// (room_id, seq) index, and reads the page's rows only, however long the room's history.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openStore, pageBefore, queryPlan } from '@otp-chat/08-persistence';

const store = openStore({ dataDir: mkdtempSync(join(tmpdir(), 'otp-chat-repl-')) });

store.engine;
// => 'sqlite'

await migrateToLatest(store.db, store.engine);

const page = pageBefore(store.db, 1, 500, 50);

page.compile().sql;
// => 'select "seq", "username", "content", "inserted_at" from "messages" where "room_id" = ? and "seq" < ? order by "seq" desc limit ?'

await queryPlan(store.db, store.engine, page);
// => [
//      'SEARCH messages USING INDEX messages_room_id_seq_index (room_id=? AND seq<?)'
//    ]

await store.close();
