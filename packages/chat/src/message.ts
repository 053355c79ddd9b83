/**
 * A chat message: what was said, and who said it. Like an Elixir struct, a Message has a fixed
 * set of fields; unlike a plain object, it prints with its name, so a list of them reads well.
 */

// #region struct
export class Message {
  constructor(
    readonly content: string,
    /** Who posted it; people who give no name post as "anon". */
    readonly username: string = 'anon',
  ) {}
}
// #endregion struct

// #region validate
/** What a client may post: the text alone, or the text with a username. */
export type PostInput = string | { readonly content: string; readonly username?: string };

/** Why a post was turned down. */
export type PostError =
  | 'content_not_a_string' // no content, or content that is not text
  | 'empty_content' // nothing but whitespace
  | 'username_not_a_string'
  | 'empty_username';

export type NewMessageResult = readonly ['ok', Message] | readonly ['error', PostError];

/**
 * Turns what a client sent into a Message, or says what is wrong with it. Any process can send
 * the room anything, so the room checks here, where input comes in, and everything past this
 * point can rely on a Message being well formed.
 */
export function newMessage(input: unknown): NewMessageResult {
  const { content, username } = fieldsOf(input);
  if (typeof content !== 'string') return ['error', 'content_not_a_string'];
  if (content.trim() === '') return ['error', 'empty_content'];
  if (username === undefined) return ['ok', new Message(content)];
  if (typeof username !== 'string') return ['error', 'username_not_a_string'];
  if (username.trim() === '') return ['error', 'empty_username'];
  return ['ok', new Message(content, username)];
}

/** The text alone is the content; an object gives its fields (missing ones are undefined). */
function fieldsOf(input: unknown): { content?: unknown; username?: unknown } {
  if (typeof input === 'string') return { content: input };
  if (typeof input === 'object' && input !== null) return input;
  return {};
}
// #endregion validate
