/**
 * Ports: a process owns an event source; its events arrive as messages, it closes with its
 * owner, and flow control keeps at most N data messages unread. Here the sources are a scripted
 * one (every call recorded) and a real Node stream; packages/net tests sockets and WebSockets.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  exit,
  type Pid,
  Port,
  type PortCodec,
  type PortMessage,
  type PortSource,
  Process,
  Registry,
  receive,
  type SourceEvents,
  self,
  send,
  spawn,
  TIMEOUT,
} from '../src/index.ts';
import {
  collectCrashReports,
  deferred,
  exitReason,
  inProcess,
  mailboxContents,
  tick,
} from './helpers.ts';

/** A source the test drives: `emit` stands for the peer, `calls` records what the port did. */
class ScriptedSource implements PortSource<string> {
  events: SourceEvents<string> | null = null;
  readonly calls: string[] = [];
  paused = false;

  subscribe(events: SourceEvents<string>): void {
    this.events = events;
  }
  pause(): void {
    this.paused = true;
    this.calls.push('pause');
  }
  resume(): void {
    this.paused = false;
    this.calls.push('resume');
  }
  close(): void {
    this.calls.push('close');
  }
  /** Data as a flowing source gives it: nothing while paused. */
  emit(...chunks: string[]): number {
    let sent = 0;
    for (const chunk of chunks) {
      if (this.paused) break;
      this.events?.data(chunk);
      sent++;
    }
    return sent;
  }
}

/** What a message is, in short: `data:x`, `passive`, `end`, `closed:reason`. */
function short(message: unknown): string {
  const m = message as PortMessage<unknown>;
  if (m.type === 'data') return `data:${m.data}`;
  if (m.type === 'closed') return `closed:${String(m.reason)}`;
  if (m.type === 'error') return `error:${(m.error as Error).message}`;
  return m.type;
}

/** Takes every message in the caller's mailbox, in short. */
async function inbox(): Promise<string[]> {
  return (await mailboxContents()).map(short);
}

describe('Port: messages', () => {
  collectCrashReports();

  it('delivers data, end and closed to the owner, each tagged with its port', async () => {
    const source = new ScriptedSource();
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: true });
      source.emit('a', 'b');
      source.events?.end();
      source.events?.close('bye');
      const messages = await mailboxContents();
      return { port, messages, info: Port.info(port) };
    });
    expect(got.messages).toEqual([
      { type: 'data', port: got.port, data: 'a' },
      { type: 'data', port: got.port, data: 'b' },
      { type: 'end', port: got.port },
      { type: 'closed', port: got.port, reason: 'bye' },
    ]);
    expect(got.messages.every((m) => Port.isMessage(m, got.port))).toBe(true);
    expect(got.info).toBeUndefined(); // closed
    expect(String(got.port)).toMatch(/^#Port<0\.\d+>$/);
  });

  it('an error arrives before the closed notice', async () => {
    const source = new ScriptedSource();
    const got = await inProcess(async () => {
      Port.open(source, { active: true });
      source.events?.error(new Error('reset'));
      source.events?.close();
      return inbox();
    });
    expect(got).toEqual(['error:reset', 'closed:undefined']);
  });

  it('Port.close closes the source, and nothing more is delivered', async () => {
    const source = new ScriptedSource();
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: true });
      Port.close(port);
      source.emit('late');
      source.events?.close();
      return { calls: source.calls, messages: await inbox() };
    });
    expect(got).toEqual({ calls: ['close'], messages: [] });
  });
});

describe('Port: closed with its owner', () => {
  collectCrashReports();

  for (const [how, end] of [
    ['killed', (pid: Pid) => exit(pid, 'kill')],
    ['crashed', (pid: Pid) => exit(pid, 'boom')],
    ['returned', (pid: Pid) => exit(pid, 'normal')],
  ] as const) {
    it(`closes the source when the owner is ${how}, before the exit returns`, async () => {
      const source = new ScriptedSource();
      const opened = deferred();
      const owner = spawn(async () => {
        Port.open(source, { active: true });
        opened.resolve();
        // 'normal' from another process does not end it, so it ends itself on request.
        if ((await receive()) === 'end') return;
      });
      await opened.promise;
      if (how === 'returned') {
        const gone = exitReason(owner);
        send(owner, 'end');
        await gone;
      } else {
        end(owner);
      }
      expect(source.calls).toContain('close');
      source.emit('after death'); // ignored: nobody to deliver to, nothing thrown
    });
  }

  it("the exit hooks after a port's still run: a registered owner leaves its registry", async () => {
    const started = await Registry.start({ keys: 'unique' });
    const registry = (started as readonly ['ok', Pid])[1];
    const source = new ScriptedSource();
    const ready = deferred();
    const owner = spawn(async () => {
      Port.open(source, { active: true }); // its exit hook removes itself as it runs
      Registry.register(registry, 'alice', undefined); // the hook after it
      ready.resolve();
      await receive('never');
    });
    await ready.promise;
    exit(owner, 'kill');
    expect(source.calls).toContain('close');
    expect(Registry.lookup(registry, 'alice')).toEqual([]);
    exit(registry, 'kill');
  });

  it('a port opened for a process that has exited is closed at once', async () => {
    const source = new ScriptedSource();
    const dead = spawn(() => {});
    await exitReason(dead);
    const port = Port.open(source, { owner: dead, active: true });
    expect(source.calls).toEqual(['close']);
    expect(Port.info(port)).toBeUndefined();
  });
});

describe('Port: flow control', () => {
  collectCrashReports();

  it('active N: at most N data messages, then passive, and the source is paused', async () => {
    const source = new ScriptedSource();
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: 3 });
      const sent = source.emit('1', '2', '3', '4', '5');
      const first = await inbox();
      Port.setActive(port, 3); // what an owner does when it handles the passive notice
      source.emit('4', '5');
      return { sent, first, after: await inbox(), info: Port.info(port) };
    });
    expect(got.sent).toBe(3); // the peer had to stop: the source was paused after the third
    expect(got.first).toEqual(['data:1', 'data:2', 'data:3', 'passive']);
    expect(got.after).toEqual(['data:4', 'data:5']);
    expect(got.info).toMatchObject({ active: 1, queued: 0, paused: false });
  });

  it('an owner that does not read never has more than N unread, however much arrives', async () => {
    const source = new ScriptedSource();
    const decodeAll: PortCodec<string, string> = (out) => ({
      // One chunk of 1000 items: more than N arrive at once, and the port holds the rest.
      data: (chunk) => {
        for (let i = 0; i < 1000; i++) out.push(`${chunk}${i}`);
      },
    });
    const opened = deferred<{ owner: Pid; port: Port<string> }>();
    const owner = spawn(async () => {
      opened.resolve({ owner: self(), port: Port.open(source, { active: 32, codec: decodeAll }) });
      await receive('never');
    });
    const { port } = await opened.promise;
    source.emit('x', 'y', 'z');
    expect(Process.info(owner)?.messageQueueLength).toBe(33); // 32 data + the passive notice
    expect(Port.info(port)).toMatchObject({ active: false, queued: 968, paused: true });
    exit(owner, 'kill');
  });

  it('what the port held back comes first, in order, with notices after it', async () => {
    const source = new ScriptedSource();
    const lines: PortCodec<string, string> = (out) => ({
      data: (chunk) => {
        for (const line of chunk.split(',')) out.push(line);
      },
    });
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: 2, codec: lines });
      source.emit('a,b,c,d,e');
      source.events?.end();
      source.events?.close();
      const batches = [await inbox()];
      for (let i = 0; i < 3; i++) {
        Port.setActive(port, 2);
        batches.push(await inbox());
      }
      return batches;
    });
    expect(got).toEqual([
      ['data:a', 'data:b', 'passive'],
      ['data:c', 'data:d', 'passive'],
      ['data:e', 'end', 'closed:undefined'],
      [],
    ]);
  });

  it("'once' delivers one message and goes passive without a notice; false delivers none", async () => {
    const source = new ScriptedSource();
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: false });
      const paused = source.paused;
      Port.setActive(port, 'once');
      source.emit('a', 'b');
      const once = await inbox();
      Port.setActive(port, 'once');
      source.emit('b');
      return { paused, once, again: await inbox(), calls: source.calls };
    });
    expect(got).toEqual({
      paused: true,
      once: ['data:a'],
      again: ['data:b'],
      calls: ['pause', 'resume', 'pause', 'resume', 'pause'],
    });
  });

  it('a bad active value is refused', async () => {
    await inProcess(() => {
      for (const bad of [0, -1, 1.5, 'twice'])
        expect(() => Port.open(new ScriptedSource(), { active: bad as never })).toThrow(/active/);
    });
  });
});

describe('Port: codecs judge on arrival', () => {
  collectCrashReports();

  it('a codec may close the port: the source stops at once, the owner gets what came before', async () => {
    const source = new ScriptedSource();
    // At most 3 items, judged as they arrive (not when the owner reads them).
    const limited: PortCodec<string, string> = (out) => {
      let seen = 0;
      return {
        data: (chunk) => {
          if (++seen > 3) out.close('too_many');
          else out.push(chunk);
        },
      };
    };
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: 1, codec: limited });
      // Flowing as a peer that ignores pause would: the codec still sees every item.
      for (const chunk of ['1', '2', '3', '4', '5']) source.events?.data(chunk);
      const first = await inbox();
      Port.setActive(port, 10);
      return { first, rest: await inbox(), calls: source.calls };
    });
    expect(got.first).toEqual(['data:1', 'passive']);
    expect(got.rest).toEqual(['data:2', 'data:3', 'closed:too_many']);
    expect(got.calls).toEqual(['pause', 'close']);
  });

  it('a codec is told when flow control pauses and resumes its source, through Port.judged too', async () => {
    const source = new ScriptedSource();
    const told: string[] = [];
    const watching: PortCodec<string, string> = (out) => ({
      data: (chunk) => out.push(chunk),
      paused: () => told.push(`paused (source paused: ${source.paused})`),
      resumed: () => told.push(`resumed (source paused: ${source.paused})`),
    });
    const codec = Port.judged(watching, (item, out) => out.push(item));
    await inProcess(async () => {
      const port = Port.open(source, { active: 2, codec });
      source.emit('a', 'b', 'c'); // paused after b
      await inbox();
      Port.setActive(port, 2);
      source.emit('c', 'd'); // paused after d
      await inbox();
    });
    // Told after the source paused, and before it resumes: nothing arrives unannounced.
    expect(told).toEqual([
      'paused (source paused: true)',
      'resumed (source paused: true)',
      'paused (source paused: true)',
    ]);
  });
});

describe('Port: a codec that throws', () => {
  it('closes the port with the error, after what it pushed before; the node goes on', async () => {
    const source = new ScriptedSource();
    const fragile: PortCodec<string, string> = (out) => ({
      data: (chunk) => {
        if (chunk === 'bad') throw new Error('cannot decode');
        out.push(chunk);
      },
    });
    const got = await inProcess(async () => {
      Port.open(source, { active: true, codec: fragile });
      source.emit('good', 'bad', 'never read');
      return { messages: await inbox(), calls: source.calls };
    });
    expect(got).toEqual({
      messages: ['data:good', 'closed:Error: cannot decode'],
      calls: ['close'],
    });
  });
});

describe('Port: owner transfer', () => {
  collectCrashReports();

  it('connect hands the port to another process, with the messages it had not read', async () => {
    const source = new ScriptedSource();
    const next = deferred<unknown[]>();
    const heir = spawn(async () => {
      await receive('go');
      next.resolve(await mailboxContents());
    });
    const got = await inProcess(async () => {
      const port = Port.open(source, { active: true });
      source.emit('a');
      const refused = await inProcess(() => Port.connect(port, heir)); // not the owner
      const result = Port.connect(port, heir);
      source.emit('b');
      return { port, refused, result, mine: await mailboxContents() };
    });
    expect(got.refused).toEqual(['error', 'not_owner']);
    expect(got.result).toBe('ok');
    expect(got.mine).toEqual([]);
    send(heir, 'go');
    expect((await next.promise).map(short)).toEqual(['data:a', 'data:b']);
    await exitReason(heir);
    expect(source.calls).toContain('close'); // the heir has exited: the port went with it
  });
});

describe('Port.streamSource', () => {
  collectCrashReports();

  it('pauses a Node stream once N chunks wait unread, and destroys it with its owner', async () => {
    const stream = new PassThrough({ highWaterMark: 4 });
    const opened = deferred<Port<Buffer>>();
    const owner = spawn(async () => {
      opened.resolve(Port.open(Port.streamSource<Buffer>(stream), { active: 2 }));
      await receive('never');
    });
    const port = await opened.promise;
    let written = 0;
    // The writer honours backpressure: it stops when the stream says its buffer is full.
    while (written < 100 && stream.write(Buffer.from('abcd'))) written++;
    await tick();
    await new Promise((resolve) => setImmediate(resolve));
    expect(Process.info(owner)?.messageQueueLength).toBe(3); // two chunks and the passive notice
    expect(Port.info(port)?.paused).toBe(true);
    expect(written).toBeLessThan(100);
    exit(owner, 'kill');
    expect(stream.destroyed).toBe(true);
    expect(await receive(undefined, 0)).toBe(TIMEOUT);
  });
});
