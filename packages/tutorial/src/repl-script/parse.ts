import { type TypeScript, ts } from '../repl/typescript.ts';

// A REPL script is a TypeScript file that replays a session at the prompt. Each top-level
// statement is one input; a `// =>` comment after it gives what the REPL prints for it:
//
//   await flush();
//   // => [ 'hello world' ]
//
// Output of several lines continues on the `//` lines right after, indented like the first
// (the comment marker, then as many spaces as ` => ` takes). `import` declarations are kept
// apart: a step's REPL already has its API and the runtime in scope, so the runner types only
// the imports that bring in something else (see replay.ts).

export interface ScriptInput {
  /** 1-based line of the statement in the script. */
  line: number;
  /** The statement as written (TypeScript), as the learner types it. */
  source: string;
  /** What the REPL prints for it, line by line; absent when the input is not checked. */
  expected?: string[];
}

export interface ParsedScript {
  setup: ScriptInput[];
  inputs: ScriptInput[];
  /** Syntax errors in the script: a script that does not parse is not replayed. */
  syntaxErrors: string[];
}

export function parseScript(text: string): ParsedScript {
  const source = ts.createSourceFile('script.ts', text, ts.ScriptTarget.ES2022, true);
  const setup: ScriptInput[] = [];
  const inputs: ScriptInput[] = [];
  for (const statement of source.statements) {
    const input = toInput(source, statement);
    if (ts.isImportDeclaration(statement)) setup.push(input);
    else inputs.push(input);
  }
  return { setup, inputs, syntaxErrors: [...syntaxErrors(text), ...strayAnnotations(source)] };
}

// Only the first `// =>` after an input is its annotation. Another one before the next input
// would be ignored: an input deleted above it, most likely, whose output is still promised.
function strayAnnotations(source: TypeScript.SourceFile): string[] {
  const problems: string[] = [];
  for (const statement of source.statements) {
    const annotations = commentsAfter(source, statement.end).filter((c) =>
      ANNOTATION.test(commentText(source, c)),
    );
    for (const stray of annotations.slice(1)) {
      const line = lineOf(source, stray.pos) + 1;
      problems.push(`line ${line}: a second \`// =>\` after one input: its input is missing`);
    }
  }
  return problems;
}

function commentsAfter(source: TypeScript.SourceFile, end: number): TypeScript.CommentRange[] {
  // Trailing: on the statement's own line; leading: on the lines below, before the next token.
  return [
    ...(ts.getTrailingCommentRanges(source.text, end) ?? []),
    ...(ts.getLeadingCommentRanges(source.text, end) ?? []),
  ].filter((c) => c.kind === ts.SyntaxKind.SingleLineCommentTrivia);
}

function toInput(source: TypeScript.SourceFile, statement: TypeScript.Statement): ScriptInput {
  const start = statement.getStart(source);
  const line = source.getLineAndCharacterOfPosition(start).line + 1;
  const input: ScriptInput = { line, source: source.text.slice(start, statement.end) };
  const expected = annotationAfter(source, statement.end);
  if (expected) input.expected = expected;
  return input;
}

const ANNOTATION = /^\/\/(\s*=>\s?)(.*)$/;

// The comments between this statement and the next one: the first `// =>` among them is the
// annotation, with its continuation lines.
function annotationAfter(source: TypeScript.SourceFile, end: number): string[] | undefined {
  const comments = commentsAfter(source, end);
  const first = comments.findIndex((c) => ANNOTATION.test(commentText(source, c)));
  if (first < 0) return undefined;
  const [, marker = '', firstLine = ''] = ANNOTATION.exec(commentText(source, comments[first]!))!;
  // Continuation lines line up with the first line's text: `//` then the width of ` => `.
  const indent = /\s$/.test(marker) ? marker.length : marker.length + 1;
  const lines = [firstLine.trimEnd()];
  let previousLine = lineOf(source, comments[first]!.pos);
  for (const comment of comments.slice(first + 1)) {
    const continued = continuationText(commentText(source, comment), indent);
    const line = lineOf(source, comment.pos);
    if (continued === undefined || line !== previousLine + 1) break;
    lines.push(continued);
    previousLine = line;
  }
  return trimBlankEnds(lines);
}

function continuationText(comment: string, indent: number): string | undefined {
  const body = comment.slice(2);
  if (body.trim() === '') return '';
  if (!body.startsWith(' '.repeat(indent))) return undefined;
  return body.slice(indent).trimEnd();
}

// `// =>` alone on its line, with the output on the lines below, leaves an empty first line;
// empty `//` lines closing the block are spacing, not output.
function trimBlankEnds(lines: string[]): string[] {
  const trimmed = [...lines];
  if (trimmed.length > 1 && trimmed[0] === '') trimmed.shift();
  while (trimmed.length > 1 && trimmed.at(-1) === '') trimmed.pop();
  return trimmed;
}

function commentText(source: TypeScript.SourceFile, comment: TypeScript.CommentRange): string {
  return source.text.slice(comment.pos, comment.end);
}

function lineOf(source: TypeScript.SourceFile, position: number): number {
  return source.getLineAndCharacterOfPosition(position).line;
}

function syntaxErrors(text: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(text, {
    fileName: 'script.ts',
    reportDiagnostics: true,
  });
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `line ${line + 1}: ${message}`;
  });
}
