import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { runCommand } from '../../src/repl-script/cli.ts';

const root = fileURLToPath(new URL('../fixtures/repl-tutorial/', import.meta.url));

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await runCommand(args, { root, out: (text) => lines.push(text) });
  return { code, text: lines.join('\n') };
}

describe('pnpm tutorial run', () => {
  it("prints every script's session, then a result line, and exits 0 when all match", async () => {
    const { code, text } = await run(['1']);
    expect(code).toBe(0);
    expect(text).toContain(
      "# steps/01-echo/repl/01-echo.repl.ts\n> echo('hi');\n'hi'\n> implementation;",
    );
    expect(text).toContain(
      '# steps/01-echo/repl/02-twice.repl.ts\n> [echo(1), echo(2)];\n[ 1, 2 ]',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '✓ step 01 01-echo: 2 scripts, 3 inputs, 3 checked: all print what they say',
    );
  });

  it('exits 1 and shows the diff when an output differs from its annotation', async () => {
    const { code, text } = await run(['02-shout']);
    expect(code).toBe(1);
    expect(text).toContain("> shout('hello');\n'HELLO!'");
    expect(text).toMatch(
      /01-shout\.repl\.ts:3: the output differs[\s\S]*- 'HELLO'\n\s+\+ 'HELLO!'/,
    );
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^✗ step 02 02-shout: .*1 differ/);
  });

  it('runs one script when asked for it by name', async () => {
    const { code, text } = await run(['1', '02-twice']);
    expect(code).toBe(0);
    expect(text).not.toContain('01-echo.repl.ts');
    expect(text).toContain('1 script, 1 input, 1 checked');
  });

  it('refuses a step or script that does not exist', async () => {
    await expect(run(['9'])).rejects.toThrow(UsageError);
    await expect(run(['1', 'nope'])).rejects.toThrow(
      /no script named "nope"[\s\S]*01-echo\.repl\.ts/,
    );
    await expect(run([])).rejects.toThrow(/Usage: npx pnpm tutorial run <step> \[script\]/);
  });
});
