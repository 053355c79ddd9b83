/**
 * Every ```ts block of README.md is a program that must run as written: each is saved to its
 * own file and run by tsx in a child process, the way a reader would paste it into a file.
 * The examples carry their own assertions (node:assert), so a wrong example fails here. tsx does
 * not type-check, so tsc checks all of them too, with the workspace's strict settings.
 *
 * The files live in a temporary directory whose node_modules links @otp-chat/otp to this
 * package, and run with the `source` condition, so the examples use the sources under test.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');

interface Example {
  /** The section the block is in, and its line in README.md: how a failure names it. */
  readonly title: string;
  readonly code: string;
}

/** The ```ts blocks, each with the heading above it. Other fences (text, sh) are not run. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  let heading = '(top)';
  let block: { line: number; lines: string[] } | null = null;
  for (const [index, line] of markdown.split('\n').entries()) {
    if (block === null) {
      if (/^#{1,6} /.test(line)) heading = line.replace(/^#+ /, '');
      else if (line.trim() === '```ts') block = { line: index + 1, lines: [] };
    } else if (line.trim() === '```') {
      found.push({ title: `${heading} (README.md:${block.line})`, code: block.lines.join('\n') });
      block = null;
    } else {
      block.lines.push(line);
    }
  }
  return found;
}

const workDir = mkdtempSync(join(tmpdir(), 'otp-readme-'));
mkdirSync(join(workDir, 'node_modules', '@otp-chat'), { recursive: true });
symlinkSync(packageDir, join(workDir, 'node_modules', '@otp-chat', 'otp'), 'dir');
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const run = promisify(execFile);
const all = examples(readme);
// .mts: an ES module wherever it sits, so top-level await works.
const files = all.map((example, index) => {
  const file = join(workDir, `example-${index + 1}.mts`);
  writeFileSync(file, `${example.code}\n`);
  return file;
});

/** The exit code and stderr of a command that may fail. */
async function attempt(args: string[]): Promise<{ code: unknown; output: string }> {
  try {
    await run(process.execPath, args, { cwd: packageDir, timeout: 110_000 });
    return { code: 0, output: '' };
  } catch (error) {
    const { code, stdout, stderr } = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: code ?? 'failed', output: `${stdout ?? ''}${stderr ?? ''}` };
  }
}

describe('README.md examples', () => {
  it('has examples to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  for (const [index, example] of all.entries()) {
    it(`runs: ${example.title}`, { timeout: 120_000 }, async () => {
      // From the package's directory, `--import tsx` finds this package's tsx.
      const result = await attempt(['--conditions=source', '--import', 'tsx', files[index]!]);
      expect(result.code, `${example.title} failed:\n${result.output}`).toBe(0);
    });
  }

  it('type-checks every example', { timeout: 120_000 }, async () => {
    const tsconfig = {
      extends: join(packageDir, '../../tsconfig.base.json'),
      compilerOptions: { typeRoots: [join(packageDir, 'node_modules/@types')] },
      files: files.map((file) => basename(file)),
    };
    writeFileSync(join(workDir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(packageDir, 'node_modules/typescript/bin/tsc');
    const result = await attempt([tsc, '--noEmit', '-p', join(workDir, 'tsconfig.json')]);
    expect(result.code, `tsc found errors (example-N is the Nth ts block):\n${result.output}`).toBe(
      0,
    );
  });
});
