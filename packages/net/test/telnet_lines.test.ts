import { describe, expect, it } from 'vitest';
import { type LineError, TelnetLineDecoder } from '../src/index.js';

const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const WILL = 0xfb;
const DO = 0xfd;
const DONT = 0xfe;
const NOP = 0xf1;

/** A decoder that records what it emits, in order. */
function recorder(maxLineBytes?: number) {
  const events: Array<string | { error: LineError }> = [];
  const decoder = new TelnetLineDecoder({
    onLine: (line) => events.push(line),
    onError: (error) => events.push({ error }),
    ...(maxLineBytes === undefined ? {} : { maxLineBytes }),
  });
  const feed = (...chunks: Array<string | number[] | Uint8Array>) => {
    for (const chunk of chunks) {
      decoder.feed(typeof chunk === 'string' ? Buffer.from(chunk) : Uint8Array.from(chunk));
    }
    return events;
  };
  return { decoder, events, feed };
}

describe('line ends', () => {
  it('ends a line at LF and at CRLF, without the line end', () => {
    expect(recorder().feed('one\ntwo\r\nthree\n')).toEqual(['one', 'two', 'three']);
  });

  it('keeps a line open across chunks, including a CRLF split between them', () => {
    expect(recorder().feed('he', 'llo\r', '\nwor', 'ld\n')).toEqual(['hello', 'world']);
  });

  it('ends a line at telnet CR NUL and drops a stray CR inside a line', () => {
    expect(recorder().feed('a\r\0b\rc\n')).toEqual(['a', 'bc']);
  });

  it('delivers empty lines (the caller decides what they mean)', () => {
    expect(recorder().feed('\n\r\n')).toEqual(['', '']);
  });

  it('emits nothing for a line that has not ended, until end() is called', () => {
    const { decoder, events, feed } = recorder();
    feed('no newline yet');
    expect(events).toEqual([]);
    decoder.end();
    expect(events).toEqual(['no newline yet']);
    decoder.end();
    expect(events).toEqual(['no newline yet']);
  });
});

describe('telnet commands', () => {
  it('strips option negotiation (IAC WILL/DO/DONT <option>)', () => {
    const events = recorder().feed([IAC, DO, 1, IAC, WILL, 31], 'hi', [IAC, DONT, 3], '\n');
    expect(events).toEqual(['hi']);
  });

  it('strips two-byte commands such as IAC NOP', () => {
    expect(recorder().feed('a', [IAC, NOP], 'b\n')).toEqual(['ab']);
  });

  it('strips a subnegotiation up to IAC SE, even with IAC IAC inside it', () => {
    const terminalType = [IAC, SB, 24, 0, ...Buffer.from('xterm'), IAC, IAC, 7, IAC, SE];
    expect(recorder().feed('x', terminalType, 'y\n')).toEqual(['xy']);
  });

  it('strips a command split across chunks', () => {
    expect(
      recorder().feed('a', [IAC], [WILL], [24], 'b', [IAC, SB, 24], [1, IAC], [SE], '\n'),
    ).toEqual(['ab']);
  });

  it('reads IAC IAC as one 0xFF data byte (here part of a line that is not UTF-8)', () => {
    expect(recorder().feed('a', [IAC, IAC], '\n')).toEqual([{ error: 'invalid_utf8' }]);
  });
});

describe('UTF-8', () => {
  it('joins a multi-byte character split across chunks', () => {
    const bytes = Buffer.from('é€😀\n');
    const events = recorder().feed(...[...bytes].map((byte) => [byte]));
    expect(events).toEqual(['é€😀']);
  });

  it('reports a line that is not valid UTF-8 and goes on with the next one', () => {
    const events = recorder().feed([0x61, 0xc3, 0x28, 0x0a], 'fine\n', [0xed, 0xa0, 0x80, 0x0a]);
    expect(events).toEqual([{ error: 'invalid_utf8' }, 'fine', { error: 'invalid_utf8' }]);
  });
});

describe('line length limit', () => {
  it('accepts a line of exactly the limit', () => {
    expect(recorder(8).feed('12345678\n')).toEqual(['12345678']);
  });

  it('reports a longer line once, as soon as it passes the limit, and drops all of it', () => {
    const { feed, events } = recorder(8);
    feed('123456789');
    expect(events).toEqual([{ error: 'line_too_long' }]);
    feed('more and more and more', ' still the same line\r\n', 'next\n');
    expect(events).toEqual([{ error: 'line_too_long' }, 'next']);
  });

  it('counts bytes, not characters', () => {
    expect(recorder(4).feed('éé\n', 'ééé\n')).toEqual(['éé', { error: 'line_too_long' }]);
  });

  it('holds no more than the limit however much a line grows', () => {
    const { decoder, feed, events } = recorder(16);
    const megabyte = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 8; i++) feed(megabyte);
    feed('\nok\n');
    expect(events).toEqual([{ error: 'line_too_long' }, 'ok']);
    expect(decoder.maxLineBytes).toBe(16);
  });
});
