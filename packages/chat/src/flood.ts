/**
 * The flood rule, judged where input arrives: in the port's codec, as each line or frame is
 * decoded, before it is queued for the connection's process (as Port.judged in @otp-chat/otp
 * does, in one object per connection).
 * However far behind the process is, the client's rate is measured on what it sends, and what
 * is over the rate never reaches the mailbox.
 */
import { FloodGate } from '@otp-chat/net';
import type { PortCodec, PortDecoder, PortOutput } from '@otp-chat/otp';

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
  counts: (item: Out) => boolean = everything,
): PortCodec<In, Out | FloodNotice> {
  const { ratePerSecond, burst } = rule;
  return (out) => new FloodJudged(codec, new FloodGate({ ratePerSecond, burst }), counts, out);
}

/**
 * One connection's judged codec, one object: the port's decoder (it passes what arrives to the
 * codec) and the codec's output (it judges what the codec decodes). An idle server holds one
 * per connection, so it is an object with methods rather than a chain of closures.
 */
/** The default: every item counts (one function for every port, not a closure each). */
function everything(): boolean {
  return true;
}

class FloodJudged<In, Out> implements PortDecoder<In>, PortOutput<Out> {
  private readonly inner: PortDecoder<In>;
  /** After a `disconnect` verdict nothing more is passed on. */
  private cutOff = false;

  constructor(
    codec: PortCodec<In, Out>,
    private readonly gate: FloodGate,
    private readonly counts: (item: Out) => boolean,
    private readonly out: PortOutput<Out | FloodNotice>,
  ) {
    this.inner = codec(this);
  }

  data(chunk: In): void {
    this.inner.data(chunk);
  }

  end(): void {
    this.inner.end?.();
  }

  // While flow control pauses the socket (the connection is behind, its room busy), the
  // client's input waits in the kernel and arrives at once on resume: the gate counts that
  // wait for the client, or an honest client queued behind a stall would be cut off as a
  // flooder.
  paused(): void {
    this.inner.paused?.();
    this.gate.pause();
  }

  resumed(): void {
    this.inner.resumed?.();
    this.gate.resume();
  }

  /** An item the codec decoded: passed on, or over the rate and replaced by a notice. */
  push(item: Out): void {
    if (this.cutOff) return;
    if (!this.counts(item)) {
      this.out.push(item);
      return;
    }
    const verdict = this.gate.check();
    if (verdict === 'ok') {
      this.out.push(item);
      return;
    }
    this.cutOff = verdict === 'disconnect';
    this.out.push(['flood', verdict]);
  }

  close(reason?: unknown): void {
    this.out.close(reason);
  }
}

export function isFloodNotice(item: unknown): item is FloodNotice {
  return (item as unknown[] | null)?.[0] === 'flood';
}
