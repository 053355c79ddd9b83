/**
 * An in-memory ChatStorage the tests control: it answers writes at once (`auto`), holds them
 * until the test releases them in whatever order it likes (`hold`), or fails them (`fail`, as
 * a database that went away). What it stored can be read back, as a database's rows.
 */
import { type ChildSpec, type Pid, self, send } from '@otp-chat/otp';
import type {
  CatalogPage,
  ChatStorage,
  HistoryMessage,
  OpenedRoom,
  StorageReply,
} from '../src/index.js';
import { nameKey } from '../src/names.js';

interface Write {
  readonly room: string;
  readonly message: HistoryMessage;
  readonly replyTo: Pid;
  readonly tag: unknown;
}

export class FakeStorage implements ChatStorage {
  mode: 'auto' | 'hold' | 'fail' = 'auto';
  /** While true, opening a room fails, as with a database that is away. */
  away = false;
  /** How many rooms were opened. */
  opens = 0;
  /** Writes handed over and not answered yet (in `hold` mode), in the order they came. */
  readonly held: Write[] = [];
  /** What was stored, by room name (lower case), in the order stored. */
  readonly stored = new Map<string, HistoryMessage[]>();
  /** The processes that read pages (`before`), in order. */
  readonly readers: Pid[] = [];
  /** Set by a test: processes storage starts under the rooms' supervisor (ChatStorage.children). */
  children?: ChildSpec[];
  /** Set by a test: the process a room monitors as storage's writer (ChatStorage.writer). */
  writer?: () => Pid | undefined;
  /** The rooms, by key: `name` lower case (as `stored`), `shown` as first asked for. */
  private readonly rooms: Array<{
    name: string;
    shown: string;
    epoch: number;
    description?: string | undefined;
  }> = [];

  async open(room: string, epoch: number, recent: number): Promise<OpenedRoom> {
    if (this.away) throw new Error('the fake database is away');
    this.opens++;
    const name = room.toLowerCase();
    let key = this.rooms.findIndex((known) => nameKey(known.shown) === nameKey(room));
    if (key < 0) key = this.rooms.push({ name, shown: room, epoch }) - 1;
    const messages = this.messagesOf(name);
    // Writes still held count: a room opened again must not give their ids twice.
    const ids = [...messages, ...this.held.filter((w) => w.room === name).map((w) => w.message)];
    const lastId = Math.max(0, ...ids.map((m) => m.id));
    const { epoch: kept, description } = this.rooms[key]!;
    return { key, epoch: kept, lastId, recent: messages.slice(-recent), description };
  }

  async create(room: string, description: string | undefined, epoch: number) {
    if (this.away) throw new Error('the fake database is away');
    if (this.find(room) !== undefined) return 'exists';
    this.rooms.push({ name: room.toLowerCase(), shown: room, epoch, description });
    return 'created';
  }

  async describe(room: string, description: string | undefined): Promise<boolean> {
    if (this.away) throw new Error('the fake database is away');
    const found = this.find(room);
    if (found !== undefined) found.description = description;
    return found !== undefined;
  }

  async catalog(after: string | undefined, limit: number): Promise<CatalogPage> {
    if (this.away) throw new Error('the fake database is away');
    const from = after === undefined ? '' : nameKey(after);
    const sorted = this.rooms
      .filter((room) => after === undefined || nameKey(room.shown) > from)
      .sort((a, b) => (nameKey(a.shown) < nameKey(b.shown) ? -1 : 1));
    const rooms = sorted
      .slice(0, limit)
      .map(({ shown, description }) => ({ name: shown, description }));
    return { rooms, more: Math.max(0, sorted.length - limit) };
  }

  private find(room: string) {
    return this.rooms.find((known) => nameKey(known.shown) === nameKey(room));
  }

  write(key: number, message: HistoryMessage, replyTo: Pid, tag: unknown): void {
    const write = { room: this.rooms[key]!.name, message, replyTo, tag };
    if (this.mode === 'hold') this.held.push(write);
    else this.answer([write], this.mode === 'auto');
  }

  async before(room: string, before: number | undefined, limit: number): Promise<HistoryMessage[]> {
    this.readers.push(self());
    const older = this.messagesOf(room.toLowerCase()).filter((m) => m.id < (before ?? Infinity));
    return older.slice(-limit);
  }

  /**
   * Answers the held writes of the messages `ids` (stored, unless `ok` is false) in one reply,
   * as a writer answers a room's messages in one batch.
   */
  release(ids: number | readonly number[], ok = true): void {
    const writes = [ids].flat().map((id) => {
      const index = this.held.findIndex((write) => write.message.id === id);
      if (index < 0) throw new Error(`no held write of message ${id}`);
      return this.held.splice(index, 1)[0]!;
    });
    this.answer(writes, ok);
  }

  private answer(writes: readonly Write[], ok: boolean): void {
    if (ok) for (const write of writes) this.messagesOf(write.room).push(write.message);
    const tags = writes.map((write) => write.tag);
    const reply: StorageReply = ok
      ? ['stored', tags]
      : ['store_failed', tags, 'STORAGE_UNAVAILABLE'];
    send(writes[0]!.replyTo, reply);
  }

  private messagesOf(room: string): HistoryMessage[] {
    let messages = this.stored.get(room);
    if (messages === undefined) this.stored.set(room, (messages = []));
    return messages;
  }
}
