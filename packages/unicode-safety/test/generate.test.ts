import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeTable, prototypeOf, skeleton } from '@otp-chat/unicode-safety';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const sample = readFileSync(new URL('./fixtures/confusables-sample.txt', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'unicode-safety-generate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generator as a user does, with `args`; its exit status and what it printed. */
function generate(...args: string[]) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/generate-confusables.ts', ...args],
    { cwd: packageDir, encoding: 'utf8' },
  );
  return { status: run.status, out: run.stdout, err: run.stderr };
}

/** The sample with the version of Node's Unicode (or `version`) in its header. */
function sampleFile(name: string, version = `${process.versions.unicode}.0`): string {
  const path = join(dir, name);
  writeFileSync(path, sample.replace('# Version: 17.0.0', `# Version: ${version}`));
  return path;
}

describe('scripts/generate-confusables.ts', () => {
  it('writes a table module that decodes to the file’s mappings, closed', async () => {
    const out = join(dir, 'table.ts');
    const run = generate(sampleFile('ok.txt'), '--out', out);
    expect(run.err).toBe('');
    expect(run.status).toBe(0);
    expect(run.out).toMatch(/7 mappings .* sha256 [0-9a-f]{64}/);
    const module = await import(out);
    expect(module.CONFUSABLES_COUNT).toBe(7);
    const table = decodeTable(module.SOURCES, module.LENGTHS, module.PROTOTYPES);
    expect(prototypeOf(0x430, table)).toBe('a');
    expect(prototypeOf(0x1c4, table)).toBe('DZ\u0306');
    expect(prototypeOf(0x1f16d, table)).toBe('\u{1f16e}\t\u20dd');
    expect(skeleton('\u0430m', table)).toBe('arn');
    expect(readFileSync(out, 'utf8')).toMatch(/^[\n -~©]*$/); // ASCII but the © of the notice
  });

  it('refuses a file of another Unicode version unless told to take it', () => {
    const old = sampleFile('old.txt', '15.1.0');
    const refused = generate(old, '--out', join(dir, 'refused.ts'));
    expect(refused.status).toBe(1);
    expect(refused.err).toMatch(/version 15\.1\.0, Node's ICU is Unicode/);
    expect(generate(old, '--any-version', '--out', join(dir, 'taken.ts')).status).toBe(0);
  });

  it('says what is wrong with a missing file, a malformed one, or no file at all', () => {
    const missing = generate(join(dir, 'missing.txt'));
    expect(missing.status).toBe(1);
    expect(missing.err).toMatch(/^cannot read .*missing\.txt/);
    const malformed = join(dir, 'malformed.txt');
    writeFileSync(malformed, `${sample}0430 ; oops\n`);
    const bad = generate(malformed, '--out', join(dir, 'bad.ts'));
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/line \d+ is not a mapping/);
    expect(generate().status).toBe(2);
    expect(generate('--nope').status).toBe(2);
  });
});
