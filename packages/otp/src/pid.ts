import { inspect } from 'node:util';

/**
 * A process identifier. Pids are compared by identity (`===`): the runtime hands out exactly
 * one Pid object per process, so a Pid can be a Map key or part of a receive pattern.
 * It prints like Erlang's, `#PID<0.42.0>`, in the REPL and in `util.inspect`.
 */
export class Pid {
  /** @internal the live process, or null once it has exited. */
  proc: object | null = null;

  /** @internal */
  constructor(readonly id: number) {}

  toString(): string {
    return `#PID<0.${this.id}.0>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

let nextRef = 1;

/** A unique reference (from `monitor`, `sendAfter` or `makeRef`), printed as `#Reference<0.0.0.N>`. */
export class Ref {
  readonly id = nextRef++;

  toString(): string {
    return `#Reference<0.0.0.${this.id}>`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A new unique reference, like Erlang's `make_ref()`. */
export function makeRef(): Ref {
  return new Ref();
}
