import * as step from '@otp-chat/05-tcp-chat';
import {
  APPLICATION,
  CONNECTIONS,
  LISTENER,
  LISTENERS,
  REGISTRY,
  ROOM_SUPERVISOR,
  SESSIONS,
  USERS,
} from '@otp-chat/05-tcp-chat';
import { aliceAndBob, chatFixture } from '@otp-chat/conformance';
import { formatTree } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';

// The supervision tree this step's chapter draws; what survives a crash is the conformance
// suite's `availability` feature.
const chat = chatFixture(step);

describe('the application', () => {
  it('runs everything under one supervisor, which printTree shows', async () => {
    await aliceAndBob(chat);
    const tree = formatTree(APPLICATION);
    for (const part of [
      APPLICATION,
      'ChatServer.Supervisor',
      REGISTRY,
      ROOM_SUPERVISOR,
      'lobby',
      SESSIONS,
      USERS,
      CONNECTIONS,
      LISTENERS,
      LISTENER,
    ]) {
      expect(tree).toContain(part);
    }
    expect(tree.match(/ 127\.0\.0\.1 \(worker\)/g)).toHaveLength(2);
    // The listener is the one child of Chat.Listeners, the last child of Chat.Sessions.
    expect(tree).toMatch(
      /└─ #PID<[\d.]+> Chat\.Listeners \(supervisor, one_for_one\)\n {6}└─ #PID<[\d.]+> Chat\.Listener \(worker, ChatListener\)$/,
    );
  });
});
