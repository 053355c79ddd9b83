import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { textFrame } from '../src/websocket_frame.js';

/** ws's frame parser: a writable stream of bytes that emits each message (not in its types). */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => Writable;
};

/** What ws's own parser reads from `bytes`, as a client would (a server's frames are unmasked). */
function parse(bytes: Buffer): Promise<string> {
  const receiver = new Receiver({ isServer: false });
  return new Promise((resolve, reject) => {
    receiver.on('message', (data: Buffer, isBinary: boolean) =>
      isBinary ? reject(new Error('a binary frame')) : resolve(String(data)),
    );
    receiver.on('error', reject);
    receiver.write(bytes);
  });
}

describe('textFrame', () => {
  it('makes a final, unmasked text frame with the shortest length form', async () => {
    for (const [size, header] of [
      [0, 2],
      [125, 2],
      [126, 4],
      [65_535, 4],
      [65_536, 10],
    ] as const) {
      const payload = Buffer.alloc(size, 0x7a);
      const frame = textFrame(payload);
      expect(frame.length).toBe(header + size);
      expect(frame[0]).toBe(0x81);
      expect((frame[1] as number) & 0x80).toBe(0);
      expect(await parse(frame)).toBe('z'.repeat(size));
    }
  });

  it('frames a payload once, however many sockets it goes to', () => {
    const first = Buffer.from('{"type":"message"}');
    const second = Buffer.from('{"type":"message"}');
    const frame = textFrame(first);
    expect(textFrame(second)).not.toBe(frame);
    // Asked again after another payload: still the same frame, not a new one.
    expect(textFrame(first)).toBe(frame);
  });
});
