import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { readJsonFrame, ruleCheck } from '../src/index.js';

const Message = z.discriminatedUnion('type', [
  z.object({ type: z.literal('say'), text: z.string().min(1) }),
  z.object({ type: z.literal('page'), size: z.number().int().min(1) }),
]);

const CODES = {
  json: 'BAD_JSON',
  type: 'BAD_TYPE',
  fields: { text: 'BAD_TEXT' },
  field: 'BAD_FIELD',
} as const;

const read = (frame: string) => readJsonFrame(Message, CODES, frame);

describe('readJsonFrame', () => {
  it('reads a message that passes the schema, keeping only the fields it knows', () => {
    expect(read('{"type":"say","text":"hi","admin":true}')).toEqual([
      'ok',
      { type: 'say', text: 'hi' },
    ]);
  });

  it('refuses text that is not JSON', () => {
    expect(read('{"type":')).toEqual(['error', 'BAD_JSON', 'the frame is not valid JSON']);
  });

  it.each(['42', 'null', '[1]', '{"text":"hi"}'])(
    'refuses %s as no message, naming the types',
    (frame) => {
      expect(read(frame)).toEqual([
        'error',
        'BAD_TYPE',
        'a message is a JSON object with a type: say, page',
      ]);
    },
  );

  it('names an unknown type, made safe to echo', () => {
    expect(read('{"type":"shout\\u001b[2J"}')).toEqual([
      'error',
      'BAD_TYPE',
      'unknown message type "shout\\x1b[2J"; the types are say, page',
    ]);
  });

  it('gives a field its own code, and any other field the common one', () => {
    expect(read('{"type":"say","text":""}')).toEqual([
      'error',
      'BAD_TEXT',
      'text: Too small: expected string to have >=1 characters',
    ]);
    expect(read('{"type":"page","size":0}')).toEqual([
      'error',
      'BAD_FIELD',
      'size: Too small: expected number to be >=1',
    ]);
  });
});

describe('ruleCheck', () => {
  /** A rule as the chat writes one: what is wrong with a value, or undefined. */
  const tooShort = (name: string) => (name.length < 3 ? 'short' : undefined);
  const explain = (problem: 'short') => `${problem}: 3 characters at least`;
  const Name = z.string().check(ruleCheck(tooShort, explain));

  it('passes a value the rule finds nothing wrong with', () => {
    expect(Name.safeParse('ada')).toMatchObject({ success: true, data: 'ada' });
  });

  it("fails one it finds wrong, with the rule's own explanation", () => {
    const result = Name.safeParse('al');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'short: 3 characters at least',
    ]);
  });

  it('sees the value as the schema has it then, after an overwrite', () => {
    const Trimmed = z
      .string()
      .overwrite((text) => text.trim())
      .check(ruleCheck(tooShort, explain));
    expect(Trimmed.safeParse('  ab  ').success).toBe(false);
    expect(Trimmed.safeParse('  abc  ')).toMatchObject({ success: true, data: 'abc' });
  });

  it('reads a frame with the explanation as the field error', () => {
    const Say = z.discriminatedUnion('type', [
      z.object({ type: z.literal('say'), text: z.string().check(ruleCheck(tooShort, explain)) }),
    ]);
    expect(readJsonFrame(Say, CODES, '{"type":"say","text":"hi"}')).toEqual([
      'error',
      'BAD_TEXT',
      'text: short: 3 characters at least',
    ]);
  });
});
