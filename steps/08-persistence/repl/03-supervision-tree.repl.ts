// Where storage sits in the supervision tree: the message writer under a supervisor of its own,
// ChatServer.Storage, started after the registry and the room index and before the history
// keeper and the rooms; the retention job (started when a retention limit is set) on its own
// under the application.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineClient, startChat } from '@otp-chat/08-persistence';
import { printTree } from '@otp-chat/otp';

const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-repl-'));

const chat = await startChat({ port: 0, webPort: 0, dataDir, retentionMaxMessages: 10000 });

const ada = await LineClient.connect(chat.port);

ada.send('ada');

await ada.expect(/^You joined/);
// => 'You joined lobby; nobody else is here.'

printTree();
// => #PID<...> Chat.Application (supervisor, one_for_one)
//    ├─ #PID<...> ChatServer.Supervisor (supervisor, rest_for_one)
//    │  ├─ #PID<...> ChatServer.Registry (registry)
//    │  ├─ #PID<...> ChatServer.RoomIndex (worker, RoomIndex)
//    │  ├─ #PID<...> ChatServer.Storage (supervisor, one_for_one)
//    │  │  └─ #PID<...> Store.MessageWriter (worker, MessageWriter)
//    │  ├─ #PID<...> ChatServer.HistoryKeeper (worker)
//    │  └─ #PID<...> ChatServer.RoomSupervisor (supervisor)
//    │     └─ #PID<...> lobby (worker, ChatServer)
//    ├─ #PID<...> Store.RetentionJob (worker, RetentionJob)
//    └─ #PID<...> Chat.Sessions (supervisor, rest_for_one)
//       ├─ #PID<...> Chat.Users (registry)
//       ├─ #PID<...> Chat.Connections (supervisor)
//       │  └─ #PID<...> telnet 127.0.0.1 (worker)
//       └─ #PID<...> Chat.Listeners (supervisor, one_for_one)
//          ├─ #PID<...> Chat.Listener (worker, ChatListener)
//          └─ #PID<...> Chat.WebListener (worker, ChatWebListener)

await chat.stop();
