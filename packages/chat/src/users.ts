/**
 * The users who are connected, on every transport: a unique Registry from the key of a user's
 * name (see nameKey) to the process of their session, with the transport as the value. Each
 * user is registered under a second key too, its look-alike key (see lookalikeKey: `AIice`
 * with a capital I looks like `Alice`), so a name is taken when either of its keys is.
 *
 * Everything that reaches a user goes through `sendToUser`: today a user is one session (one
 * connection); when one user has several devices, a per-user process takes the name here and
 * passes what it gets on to each device's session, and nobody who sends needs to change.
 */
import { type Pid, Registry, send } from '@otp-chat/otp';
import { lookalikeKey, nameKey, nameProblem } from './names.js';

/** The registry of connected users: name key -> session process, with its transport. */
export const USERS = 'Chat.Users';

/** How a user is connected ('telnet', 'websocket', a test's own...): for tools, not for rules. */
export type Transport = string;

/** What one user sends another: a private line. */
export type PrivateMessage = readonly ['private', from: string, text: string];

/**
 * Takes `name` for the calling process. The registry checks and takes the key in one step, so
 * two people cannot both get a name; false when it is taken.
 */
export function claimUserName(name: string, transport: Transport): boolean {
  const key = nameKey(name);
  if (Registry.register(USERS, key, transport)[0] !== 'ok') return false;
  if (Registry.register(USERS, lookalike(name), transport)[0] === 'ok') return true;
  Registry.unregister(USERS, key);
  return false;
}

/**
 * The look-alike key, apart from name keys: it starts with a NUL, which no valid name, and so
 * no name key looked up (see userKey), holds. `/msg allce` must not reach `ALICE`, whose
 * look-alike key is `allce`.
 */
function lookalike(name: string): string {
  return `\u0000${lookalikeKey(name)}`;
}

/** The key to look a user up under; undefined for a name nobody can have. */
function userKey(name: string): string | undefined {
  return nameProblem(name) === undefined ? nameKey(name) : undefined;
}

/** The session process of the user called `name` (in any case), if connected. */
export function userPid(name: string): Pid | undefined {
  return lookupUser(name)?.[0];
}

/** The session of the user called `name` and how they are connected, if they are. */
export function lookupUser(name: string): readonly [Pid, Transport] | undefined {
  const key = userKey(name);
  return key === undefined ? undefined : Registry.lookup<Transport>(USERS, key)[0];
}

/** Sends `from`'s private `text` to the user called `to`; false if nobody by that name is on. */
export function sendToUser(to: string, from: string, text: string): boolean {
  const pid = userPid(to);
  if (pid === undefined) return false;
  send(pid, ['private', from, text] satisfies PrivateMessage);
  return true;
}

export function isPrivateMessage(message: unknown): message is PrivateMessage {
  return (message as unknown[] | null)?.[0] === 'private';
}
