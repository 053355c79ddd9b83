import { describe, expect, it } from 'vitest';
import { parseScript } from '../../src/repl-script/parse.ts';

describe('parseScript', () => {
  it('makes each top-level statement one input, with its line', () => {
    const { inputs } = parseScript('const a = 1;\n\nfunction f() {\n  return a;\n}\nf();\n');
    expect(inputs.map((i) => [i.line, i.source])).toEqual([
      [1, 'const a = 1;'],
      [3, 'function f() {\n  return a;\n}'],
      [6, 'f();'],
    ]);
  });

  it('takes import declarations as setup, not as inputs', () => {
    const { setup, inputs } = parseScript(
      "import { a } from './a.ts';\nimport type { T } from './t.ts';\na;\n",
    );
    expect(setup.map((s) => s.source)).toEqual([
      "import { a } from './a.ts';",
      "import type { T } from './t.ts';",
    ]);
    expect(inputs.map((i) => i.source)).toEqual(['a;']);
  });

  it('reads the annotation on the lines after an input, continuation lines included', () => {
    const [input] = parseScript(
      'rooms;\n// => Map(1) {\n//      lobby => []\n//    }\n// A comment about what comes next.\nnext;\n',
    ).inputs;
    expect(input?.expected).toEqual(['Map(1) {', '  lobby => []', '}']);
  });

  it('reads an annotation on the same line as the input', () => {
    const [input] = parseScript('1 + 1; // => 2\n').inputs;
    expect(input?.expected).toEqual(['2']);
  });

  it('starts the output on the next line when `// =>` stands alone', () => {
    const [input] = parseScript('x;\n// =>\n//    first\n//    second\n').inputs;
    expect(input?.expected).toEqual(['first', 'second']);
  });

  it('keeps empty lines inside an annotation but not at its end', () => {
    const [input] = parseScript('x;\n// => a\n//\n//    b\n//\n').inputs;
    expect(input?.expected).toEqual(['a', '', 'b']);
  });

  it('stops the annotation at a blank line', () => {
    const [input] = parseScript('x;\n// => a\n\n//    not output\ny;\n').inputs;
    expect(input?.expected).toEqual(['a']);
  });

  it('leaves an input without annotation unchecked', () => {
    const [first, second] = parseScript(
      '// Setting up.\nconst a = 1;\n// Just a remark.\na;\n// => 1\n',
    ).inputs;
    expect(first).not.toHaveProperty('expected');
    expect(second?.expected).toEqual(['1']);
  });

  it('reports a second annotation after one input, whose input must have gone', () => {
    const script = 'exit(pid);\n// => true\n\n// => { type: "DOWN" }\n\nnext();\n// => 1\n';
    expect(parseScript(script).syntaxErrors).toEqual([
      'line 4: a second `// =>` after one input: its input is missing',
    ]);
  });

  it('reports syntax errors with their line', () => {
    expect(parseScript('const a = 1;\nconst = ;\n').syntaxErrors[0]).toMatch(/^line 2: /);
    expect(parseScript('const a = 1;\n').syntaxErrors).toEqual([]);
  });
});
