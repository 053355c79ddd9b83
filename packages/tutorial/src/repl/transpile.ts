import { type TypeScript, ts } from './typescript.ts';

// One REPL input, TypeScript as the learner types it, turned into the JavaScript that Node's
// REPL evaluates. Types are erased statement by statement (nothing is type-checked, exactly like
// tsx), and `import` declarations become dynamic imports, which the REPL can evaluate.

/** Maps an import specifier to what the REPL should load (a file URL, or the specifier itself). */
export type ImportResolver = (specifier: string) => string;

export type TranspiledInput =
  | { kind: 'complete'; js: string }
  /** The input stops in the middle of a statement: the REPL should wait for more lines. */
  | { kind: 'incomplete'; reason: string };

const compilerOptions: TypeScript.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  isolatedModules: true,
  verbatimModuleSyntax: false,
};

// An unterminated string never completes with more lines, so it is an error, not a wait.
const UNTERMINATED_STRING = 1002;

export function transpileInput(code: string, resolveImport: ImportResolver): TranspiledInput {
  const withImports = rewriteImports(code, resolveImport);
  const objectLiteral = asObjectLiteral(withImports);
  if (objectLiteral !== undefined) return { kind: 'complete', js: objectLiteral };
  const { outputText, diagnostics = [] } = ts.transpileModule(withImports, {
    compilerOptions,
    reportDiagnostics: true,
  });
  const end = withImports.trimEnd().length;
  const cutOff = diagnostics.find((d) => (d.start ?? 0) >= end && d.code !== UNTERMINATED_STRING);
  if (cutOff) {
    return {
      kind: 'incomplete',
      reason: ts.flattenDiagnosticMessageText(cutOff.messageText, '\n'),
    };
  }
  // Syntax errors that more lines cannot fix are left for the REPL to report, as it would for JS.
  return { kind: 'complete', js: diagnostics.length > 0 ? withImports : outputText };
}

// Node's REPL reads `{ a: 1 }` as an object, not as a block with a label; TypeScript would emit the
// block. Mirror the REPL's rule: braces around the whole input, and it parses as an expression.
function asObjectLiteral(code: string): string | undefined {
  const trimmed = code.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  const { outputText, diagnostics = [] } = ts.transpileModule(`(${trimmed})`, {
    compilerOptions,
    reportDiagnostics: true,
  });
  return diagnostics.length === 0 ? outputText : undefined;
}

// `import { a, b as c } from 'x'` → `var { a, b: c } = await import("<resolved x>");`
// `var` rather than `const`: typing the same import twice at the prompt must not be an error.
// `import('x')` → `import("<resolved x>")`: typed at the prompt, a dynamic import of a package the
// step depends on (ws for step 06) must find it where the step's own code would.
function rewriteImports(code: string, resolveImport: ImportResolver): string {
  if (!/\bimport\b/.test(code)) return code;
  const source = ts.createSourceFile('input.ts', code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const declaration of source.statements.filter(ts.isImportDeclaration)) {
    const text = importAsDynamic(importBindings(declaration), resolveImport);
    edits.push({ start: declaration.getStart(source), end: declaration.end, text });
  }
  const visit = (node: TypeScript.Node): void => {
    const specifier = dynamicImportSpecifier(node);
    if (specifier) {
      const text = JSON.stringify(resolveImport(specifier.text));
      edits.push({ start: specifier.getStart(source), end: specifier.end, text });
    }
    ts.forEachChild(node, visit);
  };
  source.statements.filter((s) => !ts.isImportDeclaration(s)).forEach(visit);
  let rewritten = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    rewritten = rewritten.slice(0, edit.start) + edit.text + rewritten.slice(edit.end);
  }
  return rewritten;
}

function dynamicImportSpecifier(node: TypeScript.Node): TypeScript.StringLiteral | undefined {
  if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) {
    return undefined;
  }
  const [first] = node.arguments;
  return first && ts.isStringLiteral(first) ? first : undefined;
}

/** What an import declaration brings into scope, read from its syntax. */
export interface ImportBindings {
  specifier: string;
  /** `import type ...`, or only `type` names: nothing exists at run time. */
  typeOnly: boolean;
  /** `import * as name`. */
  namespace?: string;
  /** Each name bound from the module's exports: `default` for a default import. */
  names: { imported: string; local: string }[];
}

export function importBindings(declaration: TypeScript.ImportDeclaration): ImportBindings {
  const specifier = (declaration.moduleSpecifier as TypeScript.StringLiteral).text;
  const clause = declaration.importClause;
  const bindings: ImportBindings = { specifier, typeOnly: clause?.isTypeOnly === true, names: [] };
  if (!clause || clause.isTypeOnly) return bindings;
  if (clause.name) bindings.names.push({ imported: 'default', local: clause.name.text });
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) bindings.namespace = named.name.text;
  for (const element of named && ts.isNamedImports(named) ? named.elements : []) {
    if (element.isTypeOnly) continue;
    const local = element.name.text;
    bindings.names.push({ imported: element.propertyName?.getText() ?? local, local });
  }
  // `import { type A } from 'x'` binds nothing at run time (and, unlike `import 'x'`, loads nothing).
  if (!clause.name && !bindings.namespace && bindings.names.length === 0 && named) {
    bindings.typeOnly = true;
  }
  return bindings;
}

function importAsDynamic(bindings: ImportBindings, resolveImport: ImportResolver): string {
  if (bindings.typeOnly) return '';
  const load = `await import(${JSON.stringify(resolveImport(bindings.specifier))})`;
  const { namespace, names } = bindings;
  if (namespace) {
    const defaultName = names[0] ? ` var ${names[0].local} = ${namespace}.default;` : '';
    return `var ${namespace} = ${load};${defaultName}`;
  }
  if (names.length === 0) return `void (${load});`;
  const fields = names.map(({ imported, local }) =>
    imported === local ? local : `${imported}: ${local}`,
  );
  return `var { ${fields.join(', ')} } = ${load};`;
}
