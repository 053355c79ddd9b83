// The server again, with a typed WebSocket client, the kind a browser page uses, and a telnet
// user in the same room. In Node the client is given the ws package's WebSocket class.
import { ChatClient, LineClient, startChat } from '@otp-chat/06-websocket-chat';
import WebSocket from 'ws';

const chat = await startChat({ port: 0, webPort: 0 });

const ada = await ChatClient.connect(chat.wsUrl, { WebSocket });

ada.join('lobby', 'ada');

await ada.expect('joined');
// => { type: 'joined', roomId: 'lobby', users: [ 'ada' ] }

const bob = await LineClient.connect(chat.port);

bob.send('bob');

await bob.expect(/^You joined/);
// => 'You joined lobby with ada.'

await ada.expect('user_joined');
// => { type: 'user_joined', roomId: 'lobby', username: 'bob' }

ada.say('lobby', 'hello bob');

const echo = await ada.expect('message');

({ ...echo, timestamp: typeof echo.timestamp });
// => {
//      type: 'message',
//      roomId: 'lobby',
//      from: 'ada',
//      text: 'hello bob',
//      timestamp: 'number'
//    }

Date.now() - echo.timestamp < 60_000;
// => true

await bob.next();
// => 'ada: hello bob'

bob.send('hi ada');

(await ada.expect('message')).text;
// => 'hi ada'

bob.send('/msg ada are you on the page?');

await ada.expect('private');
// => { type: 'private', from: 'bob', text: 'are you on the page?' }

ada.privateMessage('bob', 'yes, in a browser');

await bob.next();
// => '[private] ada: yes, in a browser'

ada.privateMessage('carol', 'hello?');

await ada.expect('error');
// => {
//      type: 'error',
//      code: 'UNKNOWN_USER',
//      message: 'nobody called carol is connected'
//    }

ada.listUsers('lobby');

await ada.expect('user_list');
// => { type: 'user_list', roomId: 'lobby', users: [ 'ada', 'bob' ] }

ada.join('lobby', 'ada');

await ada.expect('error');
// => {
//      type: 'error',
//      code: 'ALREADY_IN_ROOM',
//      message: 'you are in lobby already'
//    }

await chat.stop();

await ada.expect('error');
// => {
//      type: 'error',
//      code: 'SERVER_SHUTDOWN',
//      message: 'the server is shutting down'
//    }

await ada.closed;
// => { code: 1001, reason: 'the server is shutting down' }
