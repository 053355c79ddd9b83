// A room killed in the middle of a conversation. Its members join its successor by themselves,
// as in chapter 5, and this time what was said survives: the room never held it.
import { ChatClient, ChatServer, LineClient, startChat } from '@otp-chat/07-history-presence';
import { exit, printTree } from '@otp-chat/otp';
import WebSocket from 'ws';

const chat = await startChat({ port: 0, webPort: 0 });

const ada = await LineClient.connect(chat.port);

ada.send('ada');

await ada.expect(/^You joined/);
// => 'You joined lobby; nobody else is here.'

ada.send('the build is green');

ada.send('shipping at noon');

const bob = await LineClient.connect(chat.port);

bob.send('bob');

await bob.expect(/^You joined/);
// => 'You joined lobby with ada.'

/** A line with its time (UTC), the time shown as its shape: it changes every run. */
const untimed = (line: string) => line.replace(/^\[\d\d:\d\d\]/, '[HH:MM]');

untimed(await bob.next());
// => '[HH:MM] ada: the build is green'

untimed(await bob.next());
// => '[HH:MM] ada: shipping at noon'

printTree();
// => #PID<...> Chat.Application (supervisor, one_for_one)
//    ├─ #PID<...> ChatServer.Supervisor (supervisor, rest_for_one)
//    │  ├─ #PID<...> ChatServer.Registry (registry)
//    │  ├─ #PID<...> ChatServer.RoomIndex (worker, RoomIndex)
//    │  ├─ #PID<...> ChatServer.HistoryKeeper (worker)
//    │  └─ #PID<...> ChatServer.RoomSupervisor (supervisor)
//    │     └─ #PID<...> lobby (worker, ChatServer)
//    └─ #PID<...> Chat.Sessions (supervisor, rest_for_one)
//       ...

exit(ChatServer.whereis('lobby')!, 'kill');
// => true
//    =SUPERVISOR REPORT= child terminated
//      supervisor: #PID<...> (ChatServer.RoomSupervisor)
//      child:      'lobby' #PID<...> (transient worker)
//      reason:     killed
//      action:     restarting it

await bob.expect(/restarted/);
// => '* lobby restarted; you are still in it.'

bob.send('/history 5');

untimed(await bob.next());
// => '[HH:MM] ada: the build is green'

untimed(await bob.next());
// => '[HH:MM] ada: shipping at noon'

await ada.expect(/restarted/);
// => '* lobby restarted; you are still in it.'

ada.send('did we lose anything?');

await bob.next();
// => 'ada: did we lose anything?'

const cy = await ChatClient.connect(chat.wsUrl, { WebSocket });

cy.join('lobby', 'cy');

await cy.expect('joined');
// => { type: 'joined', roomId: 'lobby', users: [ 'ada', 'bob', 'cy' ] }

(await cy.expect('history')).messages.map((m) => [m.id, m.from, m.text]);
// => [
//      [ 1, 'ada', 'the build is green' ],
//      [ 2, 'ada', 'shipping at noon' ],
//      [ 3, 'ada', 'did we lose anything?' ]
//    ]

await bob.next();
// => '* cy joined lobby'

bob.send('/away lunch');

await bob.next();
// => 'You are away: lunch'

await cy.expect('status');
// => {
//      type: 'status',
//      roomId: 'lobby',
//      username: 'bob',
//      status: 'away',
//      message: 'lunch'
//    }

await chat.stop();
