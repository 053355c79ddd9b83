/**
 * The flood rule, judged where input arrives: in the port's codec, as each line or frame is
 * decoded, before it is queued for the connection's process (see Port.judged in @otp-chat/otp).
 * However far behind the process is, the client's rate is measured on what it sends, and what
 * is over the rate never reaches the mailbox.
 */
import { FloodGate } from '@otp-chat/net';
import { Port, type PortCodec } from '@otp-chat/otp';

/**
 * What replaces an input over the rate: `warn` for the first one (it is dropped and the client
 * told), `disconnect` for one more before the client calmed down. After `disconnect` nothing
 * more is passed on: the connection says goodbye and closes.
 */
export type FloodNotice = readonly ['flood', verdict: 'warn' | 'disconnect'];

export interface FloodRule {
  readonly ratePerSecond: number;
  readonly burst: number;
}

/**
 * `codec`, with every item it decodes judged by a FloodGate of `rule`, or only those that
 * `counts`. Count everything a client can send at will: a line that is not UTF-8 is answered
 * with an error, a ping with a pong, so a stream of them costs the server as much as a stream
 * of messages (issue 12: one `nc` sending `\x80\n` lines got 23 bytes of errors back for each
 * byte it sent, none of them counted).
 */
export function floodJudged<In, Out>(
  codec: PortCodec<In, Out>,
  rule: FloodRule,
  counts: (item: Out) => boolean = () => true,
): PortCodec<In, Out | FloodNotice> {
  const gate = new FloodGate({ ratePerSecond: rule.ratePerSecond, burst: rule.burst });
  let cutOff = false;
  const judgedCodec = Port.judged<In, Out, Out | FloodNotice>(codec, (item, out) => {
    if (cutOff) return;
    if (!counts(item)) {
      out.push(item);
      return;
    }
    const verdict = gate.check();
    if (verdict === 'ok') {
      out.push(item);
      return;
    }
    cutOff = verdict === 'disconnect';
    out.push(['flood', verdict]);
  });
  // While flow control pauses the socket (the connection is behind, its room busy), the client's
  // input waits in the kernel and arrives at once on resume: the gate counts that wait for the
  // client, or an honest client queued behind a stall would be cut off as a flooder.
  return (out) => {
    const decoder = judgedCodec(out);
    return {
      ...decoder,
      paused: () => {
        decoder.paused?.();
        gate.pause();
      },
      resumed: () => {
        decoder.resumed?.();
        gate.resume();
      },
    };
  };
}

export function isFloodNotice(item: unknown): item is FloodNotice {
  return (item as unknown[] | null)?.[0] === 'flood';
}
