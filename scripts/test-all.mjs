#!/usr/bin/env node
// The whole test run: lint, type-check every package, every package's tests, the docs check,
// and on CI the newcomer check (once per CI run: .ci/run sets OTP_CHAT_NEWCOMER_SKIP, the reason,
// in the runs that leave it out).
// Every stage runs even when an earlier one fails, so one run shows everything that is wrong;
// the last line is a plain "passed, failed" summary that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'node_modules', '.cache', 'otp-chat');
const vitestJson = join(resultsDir, 'vitest.json');
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const rootScripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
const stages = [
  { name: 'lint', cmd: 'biome', args: ['check', '.'] },
  { name: 'typecheck', cmd: 'pnpm', args: ['-r', '--workspace-concurrency=2', 'typecheck'] },
  {
    name: 'tests',
    cmd: 'vitest',
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
    report: vitestJson,
    // The features that measure latency under load run in the next stages, alone.
    env: { OTP_CHAT_DEFER_ALONE: '1' },
  },
  ...aloneStages(),
];
if (rootScripts['docs:check']) stages.push({ name: 'docs', cmd: 'pnpm', args: ['docs:check'] });
// The newcomer check (a fresh clone, the Quick start, every command the docs show) runs the
// whole suite again inside it, so it runs where CI is set, as on CI; by hand: npx pnpm newcomer.
// CI runs npm test under several Nodes and the newcomer check under one of them: the others
// have OTP_CHAT_NEWCOMER_SKIP set to why.
const skipNewcomer = process.env.OTP_CHAT_NEWCOMER_SKIP;
const newcomer = rootScripts.newcomer && process.env.CI && !skipNewcomer;
if (newcomer) stages.push({ name: 'newcomer', cmd: 'pnpm', args: ['newcomer'] });

// Which node runs the suite (CI runs it under several; see .ci/run).
console.log(`npm test on node ${process.version} (${process.execPath})`);
const failedStages = [];
for (const stage of stages) {
  console.log(`\n== ${stage.name}: ${stage.cmd} ${stage.args.join(' ')}`);
  const env = { ...process.env, ...stage.env };
  const { status, error } = spawnSync(stage.cmd, stage.args, { cwd: root, stdio: 'inherit', env });
  if (error || status !== 0) failedStages.push(stage.name);
}

if (rootScripts.newcomer && !newcomer) {
  console.log(
    process.env.CI && skipNewcomer
      ? `\n== newcomer: not run under this Node (${skipNewcomer})`
      : '\n== newcomer: not run here (it runs where CI is set; by hand: npx pnpm newcomer)',
  );
}

let passed = 0;
let failed = 0;
const failedTests = [];
for (const stage of stages.filter((s) => s.report)) {
  if (!existsSync(stage.report)) continue;
  const report = JSON.parse(readFileSync(stage.report, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  failedTests.push(...failuresIn(report));
}
// A stage other than the tests counts as one failed check.
const testStages = stages.filter((s) => s.report).map((s) => s.name);
const otherFailures = failedStages.filter((s) => !testStages.includes(s)).length;
if (failedStages.some((s) => testStages.includes(s)) && failed === 0) failed = 1;
console.log(
  `\nchecks: ${stages.length - failedStages.length} of ${stages.length} stages green on node ${process.version}`,
);
if (failedStages.length) console.log(`failing stages: ${failedStages.join(', ')}`);
// Named again here, at the end, because the stage's own output may be far above (or cut off).
for (const line of failedTests) console.log(`failing test: ${line}`);
const otherStages = stages.length - testStages.length;
console.log(
  `tests: ${passed + (otherStages - otherFailures)} passed, ${failed + otherFailures} failed`,
);
process.exit(failedStages.length ? 1 : 0);

/**
 * One stage per step and feature that must run alone (packages/conformance's `runAlone`): the
 * step's conformance tests, that feature only, with no other test file beside it.
 */
function aloneStages() {
  const conformance = JSON.parse(
    readFileSync(join(root, 'packages', 'conformance', 'package.json'), 'utf8'),
  );
  const alone = conformance.otpChat?.runAlone ?? [];
  const found = [];
  for (const dir of readdirSync(join(root, 'steps')).sort()) {
    const manifest = join(root, 'steps', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const step = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const feature of alone.filter((f) => step.otpChat?.features?.includes(f))) {
      const report = join(resultsDir, `alone-${dir}-${feature}.json`);
      found.push({
        name: `alone: ${feature} on ${dir}`,
        cmd: 'vitest',
        args: [
          'run',
          '--project',
          step.name,
          'test/conformance.test.ts',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${report}`,
        ],
        report,
        env: { OTP_CHAT_FEATURES: feature },
      });
    }
  }
  return found;
}

/** Each failed test of a vitest JSON report: its file, its name and its error's first line. */
function failuresIn(report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const path = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    for (const test of file.assertionResults ?? []) {
      if (test.status !== 'failed') continue;
      const reason = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
      lines.push(`${path} > ${test.fullName}: ${reason}`);
    }
    // A file that failed to load has no test results, only a message.
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) {
      lines.push(`${path}: ${(file.message ?? '').split('\n')[0].slice(0, 300)}`);
    }
  }
  return lines;
}
