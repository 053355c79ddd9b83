import { exit, whereis } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { aliceAndBob, chatFixture, crashReportsPerTest, until } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// The web listener beside the telnet one: killed, it comes back alone, and no session notices.
export function webAvailability(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const { LISTENER, WEB_LISTENER } = step;
  const chat = chatFixture(step);

  const crashes = crashReportsPerTest();

  describe('the web listener', () => {
    it('can be killed without dropping a session or the telnet port, and comes back on its port', async () => {
      const { alice } = await aliceAndBob(chat);
      const ada = await chat.webLogin('ada');
      await alice.expect('* ada joined lobby');
      const { webPort } = chat.server;
      const [telnetListener, webListener] = [whereis(LISTENER)!, whereis(WEB_LISTENER)!];
      exit(webListener, 'kill');
      await until(() => ![undefined, webListener].includes(whereis(WEB_LISTENER)));
      // Only the web listener restarted (its siblings are one_for_one), and no session noticed.
      expect(whereis(LISTENER)).toBe(telnetListener);
      ada.say('lobby', 'still connected');
      expect(await alice.next()).toBe('ada: still connected');
      expect(chat.server.webPort).toBe(webPort);
      const grace = await chat.webLogin('grace');
      grace.say('lobby', 'hello');
      expect(await ada.expect('message', (message) => message.from === 'grace')).toMatchObject({
        text: 'hello',
      });
      expect(crashes.reports.map((report) => report.reason)).toEqual(['killed']);
    });
  });
}
