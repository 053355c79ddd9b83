/**
 * Storage's processes under the rooms' supervisor (step 8): they start before the rooms, under
 * a supervisor of their own, so a writer that crashes is restarted alone. The rooms go on (each
 * monitors the writer, and opens again through its successor), and nobody is put out of a room.
 */
import { DynamicSupervisor, exit, GenServer, type Pid, whereis } from '@otp-chat/otp';
import { expect, it, vi } from 'vitest';
import { ChatServer, ROOM_SUPERVISOR, STORAGE_SUPERVISOR } from '../src/index.js';
import { FakeStorage } from './fake_storage.ts';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

const WRITER = 'Test.Writer';

/** A writer that only lives: the fake storage answers writes itself. */
const idleWriter = { init: () => ['ok', null] as const };

roomsAndUsersPerTest({ historyLength: 5 }, {}, () => {
  const storage = new FakeStorage();
  storage.children = [
    { id: WRITER, start: () => GenServer.startLink(idleWriter, undefined, { name: WRITER }) },
  ];
  storage.writer = () => whereis(WRITER);
  return storage;
});

/** Resolves once `name` is registered to a process other than `than`. */
async function restarted(name: string, than: Pid): Promise<Pid> {
  for (;;) {
    const pid = whereis(name);
    if (pid !== undefined && pid !== than) return pid;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('restarts a crashed writer alone: rooms and their members stay', async () => {
  const ada = new FakeUser();
  await ada.ask({ type: 'join', room: 'lobby', username: 'ada' }, 'joined');
  const room = ChatServer.whereis('lobby')!;
  const writer = whereis(WRITER)!;

  exit(writer, 'kill');
  const next = await restarted(WRITER, writer);

  expect(next).not.toBe(writer);
  expect(ChatServer.whereis('lobby')).toBe(room);
  expect((await DynamicSupervisor.countChildren(ROOM_SUPERVISOR)).active).toBe(1);
  expect(ada.events.some((event) => event.type === 'joined' && event.rejoined)).toBe(false);
  // The room opens again through the new writer, a moment later (STORAGE_UNAVAILABLE till then).
  await vi.waitFor(
    async () => {
      const said = await ada.ask({ type: 'say', text: 'still here' }, 'room', 200);
      expect(said.event.news).toMatchObject({ type: 'message', text: 'still here' });
    },
    { timeout: 5000, interval: 100 },
  );
  expect(ChatServer.whereis('lobby')).toBe(room);
  expect(whereis(STORAGE_SUPERVISOR)).toBeDefined();
});
