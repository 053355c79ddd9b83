/**
 * What the load sends as a chat text: the send time first, so a receiver needs no state to
 * measure latency; then the run it belongs to, so a message of the warm-up that arrives late
 * is not counted in the measured run; then who sent it and its number (for a person reading a
 * capture); then padding to the chosen size. Every server passes the text through unchanged.
 *
 *   1234567890123:2:17:42:..........
 *   sent at (µs)  run sender seq  padding
 */

/** The text of message `seq` of `run` from sender `sender`, sent at `sentAtUs`, `size` long. */
export function encodeText(
  sentAtUs: number,
  run: number,
  sender: number,
  seq: number,
  size: number,
): string {
  const head = `${sentAtUs}:${run}:${sender}:${seq}:`;
  return head.length >= size ? head : head + '.'.repeat(size - head.length);
}

/** What a receiver reads off a text. */
export interface Stamp {
  readonly sentAtUs: number;
  readonly run: number;
}

/** The send time and run a text carries, or undefined for a text the load did not send. */
export function stampOf(text: string): Stamp | undefined {
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  if (first <= 0 || second <= first + 1) return undefined;
  const sentAtUs = Number(text.slice(0, first));
  const run = Number(text.slice(first + 1, second));
  return Number.isSafeInteger(sentAtUs) && Number.isSafeInteger(run)
    ? { sentAtUs, run }
    : undefined;
}
