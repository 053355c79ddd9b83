import { describe, expect, it } from 'vitest';
import { transpileInput } from '../../src/repl/transpile.ts';

const asIs = (specifier: string) => specifier;
const js = (code: string, resolve = asIs) => {
  const result = transpileInput(code, resolve);
  if (result.kind !== 'complete') throw new Error(`incomplete: ${result.reason}`);
  return result.js.trim();
};

describe('transpileInput', () => {
  it('erases types and keeps the statement', () => {
    expect(js('const n: number = 5;')).toBe('const n = 5;');
    expect(js('pid as unknown as string')).toBe('pid;');
    expect(js('interface Room { name: string }')).toBe('');
  });

  it('keeps top-level await for the REPL to handle', () => {
    expect(js('await flush();')).toBe('await flush();');
  });

  it('reads braces around a whole input as an object, as the REPL does', () => {
    expect(js('{ a: 1 }')).toBe('({ a: 1 });');
    expect(js('{ const a = 1; }')).toContain('const a = 1;');
  });

  it('turns imports into dynamic imports of what the resolver says', () => {
    const resolve = (specifier: string) => `file:///steps/${specifier}.ts`;
    expect(js("import { a, b as c } from 'x';", resolve)).toBe(
      'var { a, b: c } = await import("file:///steps/x.ts");',
    );
    expect(js("import * as otp from 'otp';", resolve)).toBe(
      'var otp = await import("file:///steps/otp.ts");',
    );
    expect(js("import room from 'room';", resolve)).toBe(
      'var { default: room } = await import("file:///steps/room.ts");',
    );
    expect(js("import type { T } from 't';", resolve)).toBe('');
    expect(js("import 'side-effect';", resolve)).toBe(
      'void (await import("file:///steps/side-effect.ts"));',
    );
  });

  it('points a dynamic import of a package where a static one would go', () => {
    const resolve = (specifier: string) => `file:///steps/06/node_modules/${specifier}.js`;
    expect(js("const { WebSocket } = await import('ws');", resolve)).toBe(
      'const { WebSocket } = await import("file:///steps/06/node_modules/ws.js");',
    );
    expect(js("import { a } from 'x'; const m = await import('y');", resolve)).toBe(
      'var { a } = await import("file:///steps/06/node_modules/x.js");\nconst m = await import("file:///steps/06/node_modules/y.js");',
    );
    // A computed specifier is left to the REPL.
    expect(js('await import(name);', resolve)).toBe('await import(name);');
  });

  it('drops an import of nothing but types, as TypeScript does', () => {
    expect(js("import { type Pid } from 'otp';")).toBe('');
  });

  it('says an input is incomplete when it stops mid-statement', () => {
    expect(transpileInput('function f(x: number) {', asIs).kind).toBe('incomplete');
    expect(transpileInput('const s = `line one', asIs).kind).toBe('incomplete');
    expect(transpileInput('spawn(() =>', asIs).kind).toBe('incomplete');
  });

  it('leaves errors that more lines cannot fix to the REPL', () => {
    const unterminated = transpileInput("'abc", asIs);
    expect(unterminated).toEqual({ kind: 'complete', js: "'abc" });
    expect(transpileInput('const = 1;', asIs).kind).toBe('complete');
  });
});
