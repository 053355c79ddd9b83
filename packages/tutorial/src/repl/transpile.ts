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
function rewriteImports(code: string, resolveImport: ImportResolver): string {
  if (!/\bimport\b/.test(code)) return code;
  const source = ts.createSourceFile('input.ts', code, ts.ScriptTarget.ES2022, true);
  const imports = source.statements.filter(ts.isImportDeclaration);
  let rewritten = code;
  for (const declaration of imports.reverse()) {
    const replacement = importAsDynamic(declaration, resolveImport);
    rewritten =
      rewritten.slice(0, declaration.getStart(source)) +
      replacement +
      rewritten.slice(declaration.end);
  }
  return rewritten;
}

function importAsDynamic(
  declaration: TypeScript.ImportDeclaration,
  resolveImport: ImportResolver,
): string {
  const specifier = (declaration.moduleSpecifier as TypeScript.StringLiteral).text;
  const load = `await import(${JSON.stringify(resolveImport(specifier))})`;
  const clause = declaration.importClause;
  if (!clause) return `void (${load});`;
  if (clause.isTypeOnly) return '';
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) {
    const namespace = named.name.text;
    const defaultName = clause.name ? ` var ${clause.name.text} = ${namespace}.default;` : '';
    return `var ${namespace} = ${load};${defaultName}`;
  }
  const bindings: string[] = clause.name ? [`default: ${clause.name.text}`] : [];
  for (const element of named?.elements ?? []) {
    if (element.isTypeOnly) continue;
    const local = element.name.text;
    const imported = element.propertyName?.getText() ?? local;
    bindings.push(imported === local ? local : `${imported}: ${local}`);
  }
  return bindings.length === 0 ? `void (${load});` : `var { ${bindings.join(', ')} } = ${load};`;
}
