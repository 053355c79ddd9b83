import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

// TypeScript's compiler is one 9 MB CommonJS file. Loaded with `import`, Node first scans all of
// it for named exports (over a second, in every replay process); `require` skips that scan.
export const ts: typeof TypeScript = createRequire(import.meta.url)('typescript');
export type { TypeScript };
