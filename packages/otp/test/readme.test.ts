/**
 * Every ```ts block of README.md is a program that must run as written: each is saved to its
 * own file and run by tsx in a child process, the way a reader would paste it into a file.
 * The examples carry their own assertions (node:assert), so a wrong example fails here.
 *
 * The files live in a temporary directory whose node_modules links @otp-chat/otp to this
 * package, and run with the `source` condition, so the examples use the sources under test.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

describe('README.md examples', () => {
  const all = examples(readme);

  it('has examples to check', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  for (const [index, example] of all.entries()) {
    it(`runs: ${example.title}`, { timeout: 60_000 }, async () => {
      // .mts: an ES module wherever it sits, so top-level await works.
      const file = join(workDir, `example-${index + 1}.mts`);
      writeFileSync(file, `${example.code}\n`);
      // From the package's directory, `--import tsx` finds this package's tsx.
      const result = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
        cwd: packageDir,
        timeout: 50_000,
      }).catch((error: { code?: unknown; stdout?: string; stderr?: string }) => error);
      const { code, stderr } = result as { code?: unknown; stderr?: string };
      expect(code === undefined || code === 0, `${example.title} failed:\n${stderr}`).toBe(true);
    });
  }
});
