import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

// Runs one step's tests in a child vitest (`vitest run --root <step>`), so that a run against
// another implementation can never leak into the run that asked for it, and reads vitest's JSON
// report back into something a person can act on: which test, which expectation, what happened.

export interface TestFailure {
  /** Describe blocks and test title, joined by " > ". */
  test: string;
  /** The test file, relative to the step. */
  file: string;
  /** Line of the failing expectation in the test file, when the stack points into it. */
  line?: number;
  /** The source text of that line: the expectation that did not hold. */
  expectation?: string;
  /** The error message, stack trace left out. */
  message: string;
}

export interface TestReport {
  ok: boolean;
  total: number;
  passed: number;
  failures: TestFailure[];
  /** Test files that could not run at all (syntax error, missing export, no tests found...). */
  fileErrors: { file: string; message: string }[];
}

export interface TestRunOptions {
  /** Directory whose `src/index.ts` stands in for the step's package (sets OTP_CHAT_IMPL). */
  impl?: string | undefined;
  /** Stop at the first failing test: enough when the question is only whether any fails. */
  bail?: boolean;
  /** Only these test files, relative to the step (all of them when absent). */
  files?: readonly string[];
  /** Only these conformance features (sets OTP_CHAT_FEATURES; all declared when absent). */
  features?: readonly string[];
}

export async function runStepTests(
  stepDir: string,
  options: TestRunOptions = {},
): Promise<TestReport> {
  const scratch = mkdtempSync(join(tmpdir(), 'otp-chat-tests-'));
  const reportFile = join(scratch, 'report.json');
  try {
    const args = [
      vitestCli(),
      'run',
      '--root',
      stepDir,
      '--reporter=json',
      `--outputFile=${reportFile}`,
      ...(options.bail ? ['--bail=1'] : []),
      ...(options.files ?? []),
    ];
    const { output } = await runNode(args, { env: childEnv(options.impl, options.features) });
    if (!existsSync(reportFile)) {
      return crashed(`vitest did not run:\n${lastLines(output, 15)}`);
    }
    return readReport(JSON.parse(readFileSync(reportFile, 'utf8')), stepDir, output);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function vitestCli(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('vitest'));
  while (!existsSync(join(dir, 'vitest.mjs'))) {
    if (dirname(dir) === dir) throw new Error('cannot find the vitest command line');
    dir = dirname(dir);
  }
  return join(dir, 'vitest.mjs');
}

// The child must not believe it is a worker of a vitest that happens to be running us, and must
// not inherit an OTP_CHAT_IMPL, OTP_CHAT_FEATURES or OTP_CHAT_DEFER_ALONE meant for someone else.
function childEnv(
  impl: string | undefined,
  features: readonly string[] | undefined,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (key.startsWith('VITEST') || key.startsWith('OTP_CHAT_')) {
      delete env[key];
    }
  }
  delete env.FORCE_COLOR;
  if (impl !== undefined) env.OTP_CHAT_IMPL = impl;
  if (features !== undefined) env.OTP_CHAT_FEATURES = features.join(',');
  return env;
}

/** Runs node with `args` to its end: its exit status, and stdout and stderr as one text. */
export function runNode(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  success: boolean;
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
  }[];
}

function readReport(json: VitestJson, stepDir: string, output: string): TestReport {
  const failures: TestFailure[] = [];
  const fileErrors: TestReport['fileErrors'] = [];
  for (const file of json.testResults) {
    const rel = relative(stepDir, file.name);
    if (file.status === 'failed' && file.message) {
      fileErrors.push({ file: rel, message: withoutStack(file.message) });
    }
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      failures.push(describeFailure(test.fullName, file.name, rel, test.failureMessages[0] ?? ''));
    }
  }
  if (json.numTotalTests === 0 && fileErrors.length === 0) {
    fileErrors.push({ file: '.', message: `no tests ran:\n${lastLines(output, 10)}` });
  }
  return {
    ok: json.success && json.numTotalTests > 0,
    total: json.numTotalTests,
    passed: json.numPassedTests,
    failures,
    fileErrors,
  };
}

function describeFailure(test: string, absFile: string, file: string, raw: string): TestFailure {
  const failure: TestFailure = { test, file, message: plainNames(withoutStack(raw)) };
  const at = raw.match(new RegExp(`${escapeRegExp(absFile)}:(\\d+):\\d+`));
  if (at) {
    const line = Number(at[1]);
    failure.line = line;
    const source = readFileSync(absFile, 'utf8').split('\n')[line - 1]?.trim();
    if (source) failure.expectation = source;
  }
  return failure;
}

function withoutStack(message: string): string {
  const lines = message.split('\n');
  const stackStart = lines.findIndex((l) => /^\s+at /.test(l));
  return (stackStart === -1 ? lines : lines.slice(0, stackStart)).join('\n').trimEnd();
}

// Vitest compiles `import { handle } from '...'` into `__vite_ssr_import_0__.handle`, and its
// errors say so. The learner wrote `handle`: say that, and that it is an import, since a missing
// export is the usual reason an imported name "is not a function".
const COMPILED_IMPORT =
  /\(0\s*,\s*__vite_ssr_import_\d+__\.([\w$]+)\)|__vite_ssr_import_\d+__\.([\w$]+)/g;

function plainNames(message: string): string {
  const plain = message.replace(COMPILED_IMPORT, (_match, called, used) => called ?? used);
  const notCallable = /^TypeError: ([\w$]+) is not a (function|constructor)/.exec(plain);
  if (!notCallable || !message.includes(`__.${notCallable[1]}`)) return plain;
  const [, name, kind] = notCallable;
  return `${plain}\n(${name} is imported: is it exported, and is it a ${kind === 'constructor' ? 'class' : 'function'}?)`;
}

function crashed(message: string): TestReport {
  return { ok: false, total: 0, passed: 0, failures: [], fileErrors: [{ file: '.', message }] };
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A report as lines for a terminal: one block per failing test, the first `limit` of them. */
export function formatFailures(report: TestReport, indent = '    ', limit = 10): string {
  const blocks = report.fileErrors.map(
    (e) => `${indent}✗ ${e.file} could not run\n${indented(e.message, `${indent}    `)}`,
  );
  for (const f of report.failures.slice(0, limit)) {
    const where = f.line === undefined ? f.file : `${f.file}:${f.line}`;
    const lines = [`${indent}✗ ${f.test}  (${where})`];
    if (f.expectation) lines.push(`${indent}    ${f.expectation}`);
    lines.push(indented(f.message, `${indent}    `));
    blocks.push(lines.join('\n'));
  }
  const more = report.failures.length - limit;
  if (more > 0) blocks.push(`${indent}... and ${more} more failing test${more === 1 ? '' : 's'}`);
  return blocks.join('\n');
}

function indented(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}
