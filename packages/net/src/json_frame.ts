/**
 * Reading one text frame of a JSON protocol whose messages are objects told apart by their
 * `type`, with a zod discriminated union as the contract. The frame is parsed, then checked
 * against the schema; a bad one comes back as the protocol's error code and a text that says
 * what to fix, and nothing acts on it. The first problem is enough: a client fixes one thing at
 * a time.
 */
import { safeEcho } from '@otp-chat/unicode-safety';
import * as z from 'zod';

/** A protocol's client messages: a discriminated union of objects, each with a literal `type`. */
export type MessageSchema = z.ZodDiscriminatedUnion<
  readonly z.ZodObject<{ type: z.ZodLiteral<string> }>[]
>;

/** The protocol's error code for each kind of bad frame. */
export interface FrameCodes<Code extends string> {
  /** Not JSON text. */
  readonly json: Code;
  /** No `type`, or one the schema does not know. */
  readonly type: Code;
  /** A field of a known type that breaks its rule, for the fields that have a code of their own. */
  readonly fields: Readonly<Record<string, Code>>;
  /** Any other field of a known type that breaks its rule. */
  readonly field: Code;
}

/** A frame, read: the message, or the code and text to answer it with. */
export type ReadFrame<T, Code extends string> =
  | readonly ['ok', T]
  | readonly ['error', code: Code, text: string];

export function readJsonFrame<S extends MessageSchema, Code extends string>(
  schema: S,
  codes: FrameCodes<Code>,
  frame: string,
): ReadFrame<z.infer<S>, Code> {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return ['error', codes.json, 'the frame is not valid JSON'];
  }
  const result = schema.safeParse(json);
  if (result.success) return ['ok', result.data];
  const issue = result.error.issues[0]!;
  const field = issue.path[0];
  if (field === undefined || field === 'type')
    return ['error', codes.type, unknownType(schema, json)];
  const name = String(field);
  const code = Object.hasOwn(codes.fields, name) ? codes.fields[name]! : codes.field;
  return ['error', code, `${name}: ${issue.message}`];
}

function unknownType(schema: MessageSchema, json: unknown): string {
  const type = (json as { type?: unknown } | null)?.type;
  const known = schema.options.map((option) => option.shape.type.value).join(', ');
  return typeof type === 'string'
    ? `unknown message type "${safeEcho(type)}"; the types are ${known}`
    : `a message is a JSON object with a type: ${known}`;
}

/**
 * A field's rule, as a zod check, when the rule is a function that says what is wrong with a
 * value (undefined when nothing is): the value passes when nothing is wrong, and otherwise fails
 * with the rule's own explanation. So a schema applies the rule the rest of the server applies,
 * in the same words, and the two cannot drift apart.
 */
export function ruleCheck<T, Problem>(
  problem: (value: T) => Problem | undefined,
  explain: (problem: Problem) => string,
): z.core.$ZodCheck<T> {
  return z.refine<T>((value) => problem(value) === undefined, {
    error: (issue) => explain(problem(issue.input as T) as Problem),
  });
}
