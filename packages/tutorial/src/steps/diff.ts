import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Step } from './step.ts';

// What a step changes, as a unified diff of its package from the one it builds on. Only what a
// learner writes is compared: the code, the REPL scripts and package.json without the fields
// every step necessarily changes (name, description, otpChat), and the tests on request. A
// chapter's diff leaves the tests out: they are not what the chapter teaches, and in the later
// steps they are longer than the code. Tests and scripts
// import their step by its package name, so in the older step's files that name is read as the
// newer one's: a renamed import in every file is not something the step teaches.
const COMPARED_DIRS = ['src', 'repl'];
const TEST_DIR = 'test';
const NOISE_FIELDS = ['name', 'description', 'otpChat'];

export interface DiffOptions {
  color?: boolean;
  /** Compare the steps' test/ folders too (left out by default). */
  tests?: boolean;
}

export function stepDiff(base: Step, step: Step, options: DiffOptions = {}): string {
  const scratch = mkdtempSync(join(tmpdir(), 'otp-chat-diff-'));
  try {
    const dirs = options.tests ? [...COMPARED_DIRS, TEST_DIR] : COMPARED_DIRS;
    copyComparable(base.dir, join(scratch, base.id), dirs);
    copyComparable(step.dir, join(scratch, step.id), dirs);
    renamePackage(join(scratch, base.id), base.packageName, step.packageName);
    return gitDiff(scratch, base.id, step.id, options.color ?? false);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function copyComparable(from: string, to: string, dirs: readonly string[]): void {
  for (const dir of dirs) {
    if (existsSync(join(from, dir))) {
      cpSync(join(from, dir), join(to, dir), {
        recursive: true,
        filter: (src) => !src.includes('node_modules'),
      });
    }
  }
  const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8'));
  for (const field of NOISE_FIELDS) delete manifest[field];
  writeFileSync(join(to, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

function renamePackage(dir: string, from: string, to: string): void {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = join(dir, entry);
    if (!statSync(file).isFile()) continue;
    const text = readFileSync(file, 'utf8');
    if (text.includes(from)) writeFileSync(file, text.replaceAll(from, to));
  }
}

// `git diff --no-index` with the user's diff settings pinned, so that the diff embedded in a
// chapter is the same on every machine.
function gitDiff(cwd: string, a: string, b: string, color: boolean): string {
  const result = spawnSync(
    'git',
    [
      '-c',
      'core.quotepath=false',
      'diff',
      '--no-index',
      '--no-prefix',
      '--no-ext-diff',
      '--no-textconv',
      '--no-renames',
      '--diff-algorithm=myers',
      '--unified=3',
      `--color=${color ? 'always' : 'never'}`,
      a,
      b,
    ],
    {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
    },
  );
  if (result.error) throw new Error(`could not run git diff: ${result.error.message}`);
  // Exit 1 means "there are differences"; anything else is a failure of git itself.
  if (result.status !== 0 && result.status !== 1)
    throw new Error(`git diff failed: ${result.stderr}`);
  return withoutIndexLines(result.stdout);
}

// The `index 1a2b3c..4d5e6f` lines name blob hashes: noise for a reader.
function withoutIndexLines(diff: string): string {
  return (
    diff
      .split('\n')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: colour escapes may precede the word
      .filter((line) => !/^(\u001b\[[0-9;]*m)*index [0-9a-f]+\.\.[0-9a-f]+/.test(line))
      .join('\n')
  );
}
