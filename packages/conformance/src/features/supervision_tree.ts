import { formatTree } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { aliceAndBob, chatFixture } from '../fixture.ts';
import { type StepUnderTest, stepWith } from '../step.ts';

// The supervision tree the chapters draw, as printTree shows it: every supervisor and registry
// by its registered name, the telnet users' connections, and the listeners (telnet, and the web's
// in a step that has it) as the children of one supervisor, the last one started. What survives
// a crash is the `availability` feature's.

/** A name as it appears in the tree, for a regular expression. */
function literal(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function supervisionTree(anyStep: StepUnderTest): void {
  const step = stepWith(anyStep, ['APPLICATION', 'SESSIONS', 'USERS', 'LISTENERS']);
  const chat = chatFixture(step);

  describe('the application', () => {
    it('runs everything under one supervisor, which printTree shows', async () => {
      await aliceAndBob(chat);
      const tree = formatTree(step.APPLICATION);
      const listeners: [name: string, module: string][] = [[step.LISTENER, 'ChatListener']];
      if (step.WEB_LISTENER !== undefined) listeners.push([step.WEB_LISTENER, 'ChatWebListener']);
      for (const part of [
        step.APPLICATION,
        'ChatServer.Supervisor',
        step.REGISTRY,
        step.ROOM_SUPERVISOR,
        'lobby',
        step.SESSIONS,
        step.USERS,
        step.CONNECTIONS,
        step.LISTENERS,
        ...listeners.map(([name]) => name),
      ]) {
        expect(tree).toContain(part);
      }
      // Alice's and bob's connections, and no other; with two transports, a connection's name
      // says which it came by.
      const connection = step.WEB_LISTENER === undefined ? '' : 'telnet ';
      expect(
        tree.match(new RegExp(` ${connection}127\\.0\\.0\\.1 \\(worker\\)`, 'g')),
      ).toHaveLength(2);
      // The listeners are the children of the listeners' supervisor, the last child of the
      // sessions' supervisor: they start once all they hand connections to is up.
      const children = listeners.map(
        ([name, module], i) =>
          ` {6}${i === listeners.length - 1 ? '└─' : '├─'} #PID<[\\d.]+> ${literal(name)} ` +
          `\\(worker, ${module}\\)`,
      );
      expect(tree).toMatch(
        new RegExp(
          `└─ #PID<[\\d.]+> ${literal(step.LISTENERS)} \\(supervisor, one_for_one\\)\\n` +
            `${children.join('\\n')}$`,
        ),
      );
    });
  });
}
