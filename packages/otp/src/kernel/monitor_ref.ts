/**
 * How the kernel keeps monitors. A monitor is its own ref: a `MonitorRef` names the holder and
 * the target and sits in two lists at once, the monitors its holder holds (`proc.monitors`) and
 * those held on its target (`proc.monitoredBy`). Each list is circular and doubly linked
 * through the refs themselves, so making and dropping a monitor allocates the ref and nothing
 * else, and hashes nothing. Every `GenServer.call` makes one and drops it at the reply; with a
 * Map on each side, each call hashed a new key and, taking a map from one entry to none, had V8
 * reallocate its table, twice over: a fifth of a call on Node 20.
 */
import { Ref } from '../pid.js';
import type { Proc } from './proc.js';

/** @internal An active monitor, or, once dropped, a ref with neither holder nor target. */
export class MonitorRef extends Ref {
  holder: Proc | null;
  target: Proc | null;
  /** Neighbours in the holder's list. */
  heldPrev: MonitorRef = this;
  heldNext: MonitorRef = this;
  /** Neighbours in the target's list. */
  onPrev: MonitorRef = this;
  onNext: MonitorRef = this;

  constructor(holder: Proc, target: Proc) {
    super();
    this.holder = holder;
    this.target = target;
    const held = holder.monitors;
    if (held === null) holder.monitors = this;
    else {
      this.heldPrev = held.heldPrev;
      this.heldNext = held;
      held.heldPrev.heldNext = this;
      held.heldPrev = this;
    }
    const on = target.monitoredBy;
    if (on === null) target.monitoredBy = this;
    else {
      this.onPrev = on.onPrev;
      this.onNext = on;
      on.onPrev.onNext = this;
      on.onPrev = this;
    }
  }
}

/** @internal True while `ref` is a monitor that `holder` holds. */
export function holds(holder: Proc, ref: unknown): ref is MonitorRef {
  return ref instanceof MonitorRef && ref.holder === holder;
}

/** @internal Takes an active monitor out of both its lists. */
export function dropMonitor(ref: MonitorRef): void {
  const holder = ref.holder as Proc;
  if (ref.heldNext === ref) holder.monitors = null;
  else {
    ref.heldPrev.heldNext = ref.heldNext;
    ref.heldNext.heldPrev = ref.heldPrev;
    if (holder.monitors === ref) holder.monitors = ref.heldNext;
  }
  const target = ref.target as Proc;
  if (ref.onNext === ref) target.monitoredBy = null;
  else {
    ref.onPrev.onNext = ref.onNext;
    ref.onNext.onPrev = ref.onPrev;
    if (target.monitoredBy === ref) target.monitoredBy = ref.onNext;
  }
  ref.holder = ref.target = null;
  ref.heldPrev = ref.heldNext = ref.onPrev = ref.onNext = ref;
}

/** @internal The monitors `proc` holds, oldest first. */
export function monitorsHeldBy(proc: Proc): MonitorRef[] {
  const refs: MonitorRef[] = [];
  const first = proc.monitors;
  for (let ref = first; ref !== null; ref = ref.heldNext === first ? null : ref.heldNext)
    refs.push(ref);
  return refs;
}

/** @internal The monitors held on `proc`, oldest first. */
export function monitorsOn(proc: Proc): MonitorRef[] {
  const refs: MonitorRef[] = [];
  const first = proc.monitoredBy;
  for (let ref = first; ref !== null; ref = ref.onNext === first ? null : ref.onNext)
    refs.push(ref);
  return refs;
}
