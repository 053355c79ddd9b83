/**
 * What the load sends as a chat text: the send time first, so a receiver needs no state to
 * measure latency, then who sent it and its number (for a person reading a capture), then
 * padding to the chosen size. Every server passes the text through unchanged.
 *
 *   1234567890123:17:42:..........
 *   sent at (µs)  sender seq  padding
 */

/** The text of message `seq` from sender `sender`, sent at `sentAtUs`, `size` characters long. */
export function encodeText(sentAtUs: number, sender: number, seq: number, size: number): string {
  const head = `${sentAtUs}:${sender}:${seq}:`;
  return head.length >= size ? head : head + '.'.repeat(size - head.length);
}

/** The send time a text carries, or undefined for a text the load did not send. */
export function sentAtOf(text: string): number | undefined {
  const end = text.indexOf(':');
  if (end <= 0) return undefined;
  const sentAt = Number(text.slice(0, end));
  return Number.isSafeInteger(sentAt) ? sentAt : undefined;
}
