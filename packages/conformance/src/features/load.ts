import type { LineClient } from '@otp-chat/net';
import { expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, UNLIMITED_ROOM_RATE } from '../step.ts';

// Many telnet clients in one room at once: nothing lost, nothing doubled, each sender's order kept.
export function load(step: StepUnderTest): void {
  const chat = chatFixture(step);

  const CLIENTS = 200;
  const LINES = 5;

  it(`${CLIENTS} clients in one room each get every line exactly once, in send order per sender`, async () => {
    // 1,000 lines at once in one room: far over a room's rate, which is not what this tests.
    await chat.start(UNLIMITED_ROOM_RATE);
    const clients: LineClient[] = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => chat.login(`c${i}`)),
    );
    for (const client of clients) client.drain(); // the join notices so far

    const expected = (CLIENTS - 1) * LINES;
    const done = clients.map((client) => {
      let said = 0;
      return client.expect((line) => /^c\d+: /.test(line) && ++said === expected, 60_000);
    });
    clients.forEach((client, i) => {
      for (let n = 0; n < LINES; n++) client.send(`${n} from c${i}`);
    });
    await Promise.all(done);

    clients.forEach((client, i) => {
      const bySender = new Map<string, string[]>();
      for (const line of client.received) {
        const match = /^(c\d+): (.*)$/.exec(line);
        if (match === null) continue;
        const [, sender, text] = match as unknown as [string, string, string];
        bySender.set(sender, [...(bySender.get(sender) ?? []), text]);
      }
      expect(bySender.has(`c${i}`)).toBe(false); // never its own lines
      expect(bySender.size).toBe(CLIENTS - 1);
      for (const [sender, texts] of bySender) {
        expect(texts).toEqual(Array.from({ length: LINES }, (_, n) => `${n} from ${sender}`));
      }
    });
  }, 120_000);
}
