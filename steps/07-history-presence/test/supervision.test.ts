import * as step from '@otp-chat/07-history-presence';
import {
  APPLICATION,
  CONNECTIONS,
  LISTENER,
  LISTENERS,
  REGISTRY,
  ROOM_SUPERVISOR,
  SESSIONS,
  USERS,
  WEB_LISTENER,
} from '@otp-chat/07-history-presence';
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
      WEB_LISTENER,
    ]) {
      expect(tree).toContain(part);
    }
    expect(tree.match(/ telnet 127\.0\.0\.1 \(worker\)/g)).toHaveLength(2);
  });
});
