import * as step from '@otp-chat/05-tcp-chat';
import {
  APPLICATION,
  CONNECTIONS,
  LISTENER,
  REGISTRY,
  ROOM_SUPERVISOR,
  TCP_SUPERVISOR,
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
      TCP_SUPERVISOR,
      USERS,
      CONNECTIONS,
      LISTENER,
    ]) {
      expect(tree).toContain(part);
    }
    expect(tree.match(/ 127\.0\.0\.1 \(worker\)/g)).toHaveLength(2);
  });
});
