import { describe, expect, it } from 'vitest';
import { type BufferedSocket, sendBounded } from '../src/index.js';

/** A socket that keeps what it is sent and reports a backlog we set. */
function fakeSocket(bufferedAmount: number) {
  const sent: Array<{ data: string | Uint8Array; binary: boolean }> = [];
  const socket: BufferedSocket = {
    bufferedAmount,
    send: (data, options) => sent.push({ data, binary: options.binary }),
  };
  return { socket, sent };
}

describe('sendBounded', () => {
  it('sends as a text frame while the backlog is within the limit', () => {
    const { socket, sent } = fakeSocket(100);
    const bytes = Buffer.from('{"type":"left"}');
    expect(sendBounded(socket, bytes, 100)).toBe(true);
    expect(sent).toEqual([{ data: bytes, binary: false }]);
  });

  it('sends nothing and says so once the backlog is over the limit', () => {
    const { socket, sent } = fakeSocket(101);
    expect(sendBounded(socket, 'hello', 100)).toBe(false);
    expect(sent).toEqual([]);
  });
});
