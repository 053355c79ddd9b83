// The server on a free port, and two line clients in this same process talking through it.
// `expect` waits for the line it is given (or one that matches) and resolves with it.
import { LineClient, startChat } from '@otp-chat/05-tcp-chat';
import { printTree } from '@otp-chat/otp';

const chat = await startChat({ port: 0 });

chat.port > 0;
// => true

const alice = await LineClient.connect(chat.port);

await alice.expect('What is your name?');
// => 'What is your name?'

alice.send('alice');

await alice.expect(/^You joined/);
// => 'You joined lobby; nobody else is here.'

const bob = await LineClient.connect(chat.port);

bob.send('bob');

await bob.expect(/^You joined/);
// => 'You joined lobby with alice.'

await alice.next();
// => '* bob joined lobby'

bob.send('hi alice');

await alice.next();
// => 'bob: hi alice'

alice.send('/users');

await alice.next();
// => 'In lobby: alice, bob'

printTree();
// => #PID<...> Chat.Application (supervisor, one_for_one)
//    ├─ #PID<...> ChatServer.Supervisor (supervisor, rest_for_one)
//    │  ├─ #PID<...> ChatServer.Registry (registry)
//    │  ├─ #PID<...> ChatServer.RoomIndex (worker, RoomIndex)
//    │  └─ #PID<...> ChatServer.RoomSupervisor (supervisor)
//    │     └─ #PID<...> lobby (worker, ChatServer)
//    └─ #PID<...> Chat.Sessions (supervisor, rest_for_one)
//       ├─ #PID<...> Chat.Users (registry)
//       ├─ #PID<...> Chat.Connections (supervisor)
//       │  ├─ #PID<...> 127.0.0.1 (worker)
//       │  └─ #PID<...> 127.0.0.1 (worker)
//       └─ #PID<...> Chat.Listeners (supervisor, one_for_one)
//          └─ #PID<...> Chat.Listener (worker, ChatListener)

bob.send('/quit');

await bob.next();
// => 'Bye!'

await alice.next();
// => '* bob left lobby'

await chat.stop();

await alice.next();
// => 'The server is shutting down. Bye!'
