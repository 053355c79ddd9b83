import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stepImportResolver } from '../../src/repl/imports.ts';

// A step that depends on a package shipping both a CommonJS and an ES module entry, where the
// CommonJS one hides its named export from Node's detection (as `ws` does).
const stepDir = mkdtempSync(join(tmpdir(), 'otp-chat-imports-'));
const dual = join(stepDir, 'node_modules', 'dual');
mkdirSync(dual, { recursive: true });
writeFileSync(join(stepDir, 'package.json'), JSON.stringify({ name: '@fixture/step' }));
writeFileSync(
  join(dual, 'package.json'),
  JSON.stringify({ name: 'dual', exports: { '.': { import: './esm.mjs', require: './cjs.cjs' } } }),
);
writeFileSync(join(dual, 'esm.mjs'), "export const Named = 'from the ES module entry';\n");
writeFileSync(
  join(dual, 'cjs.cjs'),
  "const api = {}; api['Named'] = 'hidden'; module.exports = api;\n",
);
afterAll(() => rmSync(stepDir, { recursive: true, force: true }));

describe('imports in a REPL session', () => {
  const resolveImport = stepImportResolver({
    step: { dir: stepDir, name: '@fixture/step' },
    baseDir: stepDir,
  });

  it('load a package through its ES module entry, so named imports work as in a script', async () => {
    const url = resolveImport('dual');
    expect(url).toMatch(/\/dual\/esm\.mjs$/);
    const module = (await import(url)) as { Named?: string };
    expect(module.Named).toBe('from the ES module entry');
  });

  it('leave Node built-ins as they are', () => {
    expect(resolveImport('node:util')).toBe('node:util');
  });
});
