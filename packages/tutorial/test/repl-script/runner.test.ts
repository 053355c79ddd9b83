import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScriptResult } from '../../src/repl-script/report.ts';
import { runScript, runStepScripts } from '../../src/repl-script/runner.ts';
import { scratch } from '../helpers.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const script = (name: string) => join(fixtures, 'scripts', `${name}.repl.ts`);
const echoStep = join(fixtures, 'repl-tutorial', 'steps', '01-echo');
const shoutStep = join(fixtures, 'repl-tutorial', 'steps', '02-shout');
const learnerEcho = join(fixtures, 'repl-tutorial', 'learner-echo');

// Each script replays in a process of its own (about a second each), so start them all at once.
const names = [
  'passing',
  'wrong-annotation',
  'placeholders',
  'multiline',
  'async-console',
  'declarations',
  'stuck',
  'exits',
  'bad-import',
] as const;
const results = new Map<string, ScriptResult>();

beforeAll(async () => {
  const replayed = await Promise.all(names.map((name) => runScript(script(name))));
  for (const [i, name] of names.entries()) results.set(name, replayed[i]!);
}, 60_000);

function result(name: (typeof names)[number]): ScriptResult {
  return results.get(name)!;
}

describe('runScript', () => {
  it('replays a script that prints what it says, with a transcript of the session', () => {
    const passing = result('passing');
    expect(passing.failures).toBe('');
    expect(passing.ok).toBe(true);
    expect(passing.file).toBe(script('passing'));
    expect(passing.entries.map((e) => e.line)).toEqual([4, 7, 10, 11, 14]);
    expect(passing.transcript.split('\n').slice(0, 4)).toEqual([
      '> 1 + 1;',
      '2',
      "> greet('world');",
      "'hello world'",
    ]);
  });

  it('does not show the imports, which only set the session up', () => {
    expect(result('passing').transcript).not.toContain('import');
  });

  it('fails on a wrong annotation, naming file, line, input, expected and actual', () => {
    const wrong = result('wrong-annotation');
    expect(wrong.ok).toBe(false);
    expect(wrong.entries.map((e) => e.ok)).toEqual([true, true, false, true]);
    expect(wrong.failures).toContain('wrong-annotation.repl.ts:7: the output differs');
    expect(wrong.failures).toContain('> answer + 1;');
    expect(wrong.failures).toMatch(/expected:\n {4}44\n/);
    expect(wrong.failures).toMatch(/actual:\n {4}43\n/);
    expect(wrong.failures).not.toContain(':4:');
  });

  it('shows an unannotated input and its output, without checking it', () => {
    const unchecked = result('wrong-annotation').entries.at(-1);
    expect(unchecked).toEqual({ line: 10, input: 'answer - 2;', output: '40\n', ok: true });
  });

  it('matches pids, references and text left open by placeholders', () => {
    const placeholders = result('placeholders');
    expect(placeholders.failures).toBe('');
    expect(placeholders.entries[0]?.output).toMatch(/^\[ 'get', #PID<0\.\d+\.0> \]\n$/);
    expect(placeholders.entries.at(-1)?.output).toMatch(/^Uncaught Error: boom\n {4}at fail/);
  });

  it('checks output of several lines against an annotation of several lines', () => {
    const multiline = result('multiline');
    expect(multiline.failures).toBe('');
    expect(multiline.entries[1]?.output.split('\n')).toHaveLength(7);
    expect(multiline.transcript).toContain('> const rooms = new Map([\n...   [');
  });

  it('gives an input what it printed while it ran and right after, in order', () => {
    const asyncConsole = result('async-console');
    expect(asyncConsole.failures).toBe('');
    expect(asyncConsole.entries.map((e) => e.output)).toEqual([
      "before\nafter, on stderr\n'done'\n",
      'a moment later\n',
      '',
      'much later\n',
    ]);
  });

  it('keeps declarations from one input to the next', () => {
    const declarations = result('declarations');
    expect(declarations.failures).toBe('');
    expect(declarations.entries.filter((e) => e.expected).map((e) => e.output)).toEqual([
      '6\n',
      '10\n',
      "'lobby'\n",
      '10\n',
    ]);
  });

  it('stops at an input that can never finish and says which', () => {
    const stuck = result('stuck');
    expect(stuck.ok).toBe(false);
    expect(stuck.entries).toHaveLength(1);
    expect(stuck.failures).toContain('stuck.repl.ts:5: this input can never finish');
    expect(stuck.failures).toContain('> await new Promise(() => {});');
  });

  it('reports a script that ends its own process', () => {
    const exits = result('exits');
    expect(exits.ok).toBe(false);
    expect(exits.failures).toContain("exits.repl.ts:4: the script's process ended (exit code 3)");
  });

  it('reports an import that fails, at its line', () => {
    const badImport = result('bad-import');
    expect(badImport.ok).toBe(false);
    expect(badImport.failures).toContain('bad-import.repl.ts:1: the import failed');
    expect(badImport.failures).toContain('ERR_MODULE_NOT_FOUND');
  });

  // The time allowed counts from the input's start: the replay process's own start, seconds on
  // a loaded machine, is not counted against it.
  it('times out a script that hangs, naming the input it hung on', async () => {
    const hanging = await runScript(script('hanging'), { timeoutMs: 2_000 });
    expect(hanging.ok).toBe(false);
    expect(hanging.entries.map((e) => e.output)).toEqual(['2\n']);
    expect(hanging.failures).toContain(
      'hanging.repl.ts:5: timed out after 2 s waiting for this input',
    );
    expect(hanging.failures).toContain('> await new Promise(() => setInterval(() => {}, 1000));');
  });
});

describe('runStepScripts', () => {
  // Two replay processes, one after the other: a minute, for a loaded machine.
  it("replays a step's scripts in file-name order against the step's own package", {
    timeout: 60_000,
  }, async () => {
    const replayed = await runStepScripts(echoStep);
    expect(replayed.map((r) => r.file.split('/').at(-1))).toEqual([
      '01-echo.repl.ts',
      '02-twice.repl.ts',
    ]);
    expect(replayed.map((r) => r.ok)).toEqual([true, true]);
  });

  it('resolves the step package to another implementation when asked to', async () => {
    const [echo] = await runStepScripts(echoStep, { impl: learnerEcho });
    expect(echo?.entries[1]?.output).toBe("'the learner'\n");
    expect(echo?.failures).toContain("expected:\n    'the step'");
  });

  it("starts a step's session with its REPL's scope, showing only the imports it lacks", async () => {
    const scope = await runScript(join(shoutStep, 'repl', '02-scope.repl.ts'));
    expect(scope.failures).toBe('');
    expect(scope.transcript.split('\n')).toEqual([
      "> import { inspect } from 'node:util';",
      "> inspect(shout('hi'));",
      `"'HI!'"`,
      '> self() instanceof Object;',
      'true',
      // Not imported by the script, but in scope at `pnpm repl 02` as in the replay.
      '> typeof spawn;',
      "'function'",
    ]);
    expect(scope.entries[0]?.line).toBe(3);
  });

  it("says so when the step's code does not load, rather than crashing", async () => {
    const broken = scratch();
    mkdirSync(join(broken, 'src'));
    writeFileSync(join(broken, 'src', 'index.ts'), 'export const echo = (;\n');
    const [echo] = await runStepScripts(echoStep, { impl: broken });
    expect(echo?.ok).toBe(false);
    expect(echo?.failures).toMatch(
      /01-echo\.repl\.ts:1: the import failed:\n.*\n\s+Uncaught .*(SyntaxError|Transform failed)/,
    );
  });

  it('takes the other implementation from OTP_CHAT_IMPL too', async () => {
    const saved = process.env.OTP_CHAT_IMPL;
    process.env.OTP_CHAT_IMPL = learnerEcho;
    try {
      const echo = await runScript(join(echoStep, 'repl', '01-echo.repl.ts'));
      expect(echo.entries[1]?.output).toBe("'the learner'\n");
    } finally {
      if (saved === undefined) delete process.env.OTP_CHAT_IMPL;
      else process.env.OTP_CHAT_IMPL = saved;
    }
  });
});
