#!/usr/bin/env node
// Checks that @otp-chat/otp works as published: builds it, packs it with `pnpm pack`, installs
// the tarball into a throwaway consumer project, and there
//   - runs an ES module under plain Node (no tsx, no `source` condition) that uses the package;
//   - type-checks a TypeScript consumer against the shipped .d.ts files.
// Run: node packages/otp/scripts/check-pack.mjs   (exits non-zero on the first problem)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'otp-pack-'));

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function step(what) {
  console.log(`- ${what}`);
}

// What a user of the published package writes first: processes, a GenServer, a supervisor.
const consumerModule = `
import assert from 'node:assert/strict';
import { GenServer, receive, self, send, spawn, Supervisor, whereis } from '@otp-chat/otp';

const shell = self();
const echo = spawn(async () => send(shell, ['echo', await receive()]));
send(echo, 'hi');
assert.deepEqual(await receive(), ['echo', 'hi']);

const Counter = {
  name: 'Counter',
  init: (n) => ['ok', n],
  handleCall: (_request, _from, n) => ['reply', n, n + 1],
};
const [ok, sup] = await Supervisor.start([Supervisor.childSpec(Counter, 7, { name: 'counter' })]);
assert.equal(ok, 'ok');
assert.equal(await GenServer.call('counter', 'next'), 7);
assert.ok(whereis('counter'));
await Supervisor.stop(sup);
console.log('consumer ok');
`;

const consumerTypeScript = `
import { type From, GenServer, type GenServerModule, type Pid, spawn } from '@otp-chat/otp';

const Counter = {
  init: (n: number) => ['ok', n],
  handleCall: (_request: 'next', _from: From, n: number) => ['reply', n, n + 1],
} satisfies GenServerModule<number, number>;

export async function main(): Promise<number> {
  const pid: Pid = spawn(() => {});
  void pid;
  const started = await GenServer.start(Counter, 1);
  if (started === 'ignore' || started[0] !== 'ok') throw new Error('no counter');
  return GenServer.call<number>(started[1], 'next');
}
`;

const consumerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    // A Node library's declarations use Node's types, as the consumer's own code would.
    types: ['node'],
    typeRoots: [join(packageDir, 'node_modules', '@types')],
  },
  files: ['main.ts'],
};

try {
  step('build (tsc -p tsconfig.build.json)');
  run('pnpm', ['build'], packageDir);

  step('pack');
  run('pnpm', ['pack', '--pack-destination', work], packageDir);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'pnpm pack made no tarball');

  const files = run('tar', ['-tzf', join(work, tarball)], work)
    .split('\n')
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ''));
  for (const needed of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']) {
    assert.ok(files.includes(needed), `the tarball lacks ${needed}`);
  }
  for (const file of files) {
    assert.ok(!/^(test|bench|scripts)\//.test(file), `the tarball should not ship ${file}`);
  }
  step(`${tarball}: ${files.length} files, dist and README included, no tests`);

  const consumer = join(work, 'consumer');
  step('install the tarball into a fresh consumer project (npm, offline)');
  run('mkdir', ['-p', consumer], work);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, tarball)], consumer);

  step('run an ES module under plain node');
  writeFileSync(join(consumer, 'main.mjs'), consumerModule);
  const output = run(process.execPath, ['main.mjs'], consumer);
  assert.match(output, /consumer ok/);

  step('type-check a TypeScript consumer against the shipped declarations');
  writeFileSync(join(consumer, 'main.ts'), consumerTypeScript);
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(consumerTsconfig, null, 2));
  const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer);

  console.log('check-pack: ok');
} catch (error) {
  console.error(`check-pack: FAILED\n${error.stdout ?? ''}${error.stderr ?? ''}${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
