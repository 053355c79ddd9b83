import { describe, expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// Telnet and WebSocket users in the same rooms, under one set of names and rules.
export function mixedTransports(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const { MAX_TEXT_LENGTH } = step;
  const chat = chatFixture(step);

  describe('telnet and WebSocket users together', () => {
    it('talk in the same room, each seeing the other in their own way', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await chat.webLogin('ada');
      expect(await bob.next()).toBe('* ada joined lobby');
      ada.say('lobby', 'hello, bob');
      expect(await bob.next()).toBe('ada: hello, bob');
      expect(await ada.expect('message')).toMatchObject({ from: 'ada', text: 'hello, bob' });
      bob.send('hi ada');
      expect(await ada.expect('message')).toMatchObject({ from: 'bob', text: 'hi ada' });
      ada.close();
      expect(await bob.next()).toBe('* ada left lobby');
    });

    it("see a telnet user's join and departure as presence messages", async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const bob = await chat.login('bob');
      expect(await ada.next()).toEqual({ type: 'user_joined', roomId: 'lobby', username: 'bob' });
      bob.send('/quit');
      expect(await ada.next()).toEqual({ type: 'user_left', roomId: 'lobby', username: 'bob' });
    });

    it('do not get their own lines back on telnet, but do on the web', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await chat.webLogin('ada');
      await bob.expect('* ada joined lobby');
      bob.send('from bob');
      ada.say('lobby', 'from ada');
      // bob sees only ada's line; ada sees both, bob's first, as the room ordered them.
      expect(await bob.next()).toBe('ada: from ada');
      expect((await ada.expect('message')).text).toBe('from bob');
      expect((await ada.expect('message')).text).toBe('from ada');
      bob.send('/users');
      expect(await bob.next()).toBe('In lobby: bob, ada');
    });

    it('prefix the room on telnet when the telnet user is in several', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      bob.send('/join garden');
      await bob.expect(/^You joined garden/);
      const ada = await chat.webLogin('ada', 'garden');
      expect(await bob.next()).toBe('* ada joined garden');
      ada.say('garden', 'nice roses');
      expect(await bob.next()).toBe('[garden] ada: nice roses');
    });

    it('share one set of names: a name taken on one transport is taken on the other', async () => {
      await chat.start();
      await chat.login('bob');
      const web = await chat.web();
      web.join('lobby', 'Bob');
      expect(await web.next()).toEqual({
        type: 'error',
        code: 'INVALID_USERNAME',
        message: 'the name Bob is taken',
      });
      await chat.webLogin('ada');
      const telnet = await chat.connect();
      telnet.send('ADA');
      expect(await telnet.next()).toBe('Sorry, the name ADA is taken.');
    });

    it('exchange private lines both ways, telnet to web and web to telnet', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await chat.webLogin('ada');
      await bob.expect('* ada joined lobby');
      bob.send('/msg ADA psst, ada');
      expect(await ada.expect('private')).toEqual({
        type: 'private',
        from: 'bob',
        text: 'psst, ada',
      });
      ada.privateMessage('Bob', 'hi \u001b[2Jbob');
      // Control characters are taken out on the way, whichever transport sent them.
      expect(await bob.next()).toBe('[private] ada: hi [2Jbob');
      ada.privateMessage('nobody', 'hello?');
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'UNKNOWN_USER',
        message: 'nobody called nobody is connected',
      });
      bob.send('/msg nobody hello?');
      expect(await bob.next()).toBe('error: nobody called nobody is connected');
    });

    it('keep the shorter rule for text on both sides', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      bob.send('y'.repeat(MAX_TEXT_LENGTH + 1));
      expect(await bob.next()).toBe('error: a message has at most 2000 characters; dropped.');
    });
  });
}
