import { describe, expect, it } from 'vitest';
import { chatFixture, sleep } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// A WebSocket that never joins is closed after the time a telnet client has to give a name,
// and a user idle for the idle timeout (when one is set) is closed too, with TIMED_OUT.
export function websocketTimeouts(stepUnderTest: StepUnderTest): void {
  const chat = chatFixture(webStep(stepUnderTest));

  describe('the name timeout', () => {
    it('closes a WebSocket that has not joined in nameTimeoutMs', async () => {
      await chat.start({ nameTimeoutMs: 300 });
      const started = performance.now();
      const lurker = await chat.web();
      lurker.listRooms(); // talking is not joining
      await lurker.expect('room_list');
      expect(await lurker.next()).toEqual({
        type: 'error',
        code: 'TIMED_OUT',
        message: 'no join in 0.3 s; disconnecting',
      });
      expect((await lurker.closed).code).toBe(1008);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('leaves alone a WebSocket that joined in time', async () => {
      await chat.start({ nameTimeoutMs: 200 });
      const ada = await chat.webLogin('ada');
      await sleep(400);
      ada.listRooms();
      expect(await ada.expect('room_list')).toMatchObject({ rooms: [{ id: 'lobby' }] });
    });
  });

  describe('the idle timeout', () => {
    it('closes a named user who sends nothing for idleTimeoutMs; the room sees them leave', async () => {
      await chat.start({ idleTimeoutMs: 300 });
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      // grace keeps talking, and so stays; ada says nothing.
      const talking = setInterval(() => grace.listRooms(), 100);
      const closed = ada.closed.finally(() => clearInterval(talking));
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'TIMED_OUT',
        message: 'nothing sent in 0.3 s; disconnecting',
      });
      expect((await closed).code).toBe(1008);
      expect(await grace.expect('user_left')).toMatchObject({ username: 'ada' });
      expect(grace.isOpen).toBe(true);
    });

    it('counts from the last message: a user who keeps talking stays', async () => {
      await chat.start({ idleTimeoutMs: 300 });
      const ada = await chat.webLogin('ada');
      for (let i = 0; i < 6; i++) {
        await sleep(100);
        ada.listRooms();
        await ada.expect('room_list');
      }
      expect(ada.isOpen).toBe(true);
    });
  });
}
