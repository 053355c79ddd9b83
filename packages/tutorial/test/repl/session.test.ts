import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startSession } from '../../src/repl/session.ts';
import { runScript } from '../../src/repl-script/runner.ts';

const multiline = join(
  fileURLToPath(new URL('../fixtures/', import.meta.url)),
  'scripts',
  'multiline.repl.ts',
);

// A session as a learner has it: lines typed at the prompt, everything the REPL writes read back.
function typedSession() {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => {
    printed += chunk.toString('utf8');
  });
  const server = startSession({ input, output, prompt: '> ', terminal: false, useColors: false });
  const type = async (line: string) => {
    const before = printed.length;
    input.write(`${line}\n`);
    // Ready again when a prompt shows: `> `, or while a statement is still open `... ` (`| `
    // since Node 24).
    await expect
      .poll(() => printed.slice(before), { timeout: 5_000 })
      .toMatch(/(^|\n)(>|\.\.\.|\|) $/);
    return printed.slice(before).replace(/> $/, '');
  };
  return { server, type };
}

/** The prompt of a line that continues an input: Node 24 changed it from `... ` to `| `. */
const CONTINUED = Number(process.versions.node.split('.')[0]) >= 24 ? '| ' : '... ';

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('startSession', () => {
  it('prints what the script runner prints for the same input', async () => {
    const replayed = await runScript(multiline);
    const { input, output } = replayed.entries[1]!;
    const { server, type } = typedSession();
    close = () => server.close();
    await type(replayed.entries[0]!.input.replaceAll('\n', ' '));
    expect(await type(input)).toBe(output);
  });

  it('waits for the rest of a TypeScript statement typed over several lines', async () => {
    const { server, type } = typedSession();
    close = () => server.close();
    expect(await type('function double(n: number): number {')).toBe(CONTINUED);
    expect(await type('  return n * 2;')).toBe(CONTINUED);
    expect(await type('}')).toBe('');
    expect(await type('double(21)')).toBe('42\n');
  });

  it('awaits at the top level and keeps declarations across inputs', async () => {
    const { server, type } = typedSession();
    close = () => server.close();
    expect(await type('const later: string = await Promise.resolve("settled")')).toBe('');
    expect(await type('later')).toBe("'settled'\n");
  });
});
