/**
 * Each CPU's time so far, as the kernel counts it: what processes ran (user, nice, system,
 * interrupts), what the kernel did for nobody in particular (softirq: on loopback, much of the
 * network stack), and what the hypervisor took from this machine for others (steal: a virtual
 * machine's CPU that ran someone else's work). Read from /proc/stat on Linux; elsewhere from
 * os.cpus(), which has no softirq or steal (they read 0).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuTimes {
  /** Time processes ran on it: user, nice, system and interrupts, in microseconds. */
  readonly processUs: number;
  readonly softirqUs: number;
  readonly stealUs: number;
}

let tickUs: number | undefined;

/** Microseconds per clock tick, the unit of /proc/stat (USER_HZ, 100 a second almost always). */
function microsecondsPerTick(): number {
  if (tickUs === undefined) {
    let hz = 100;
    try {
      hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {}
    tickUs = 1e6 / hz;
  }
  return tickUs;
}

function fromProcStat(): CpuTimes[] | null {
  let text: string;
  try {
    text = readFileSync('/proc/stat', 'utf8');
  } catch {
    return null;
  }
  const tick = microsecondsPerTick();
  const times: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    const match = line.match(/^cpu(\d+) (.*)$/);
    if (match === null) continue;
    // user nice system idle iowait irq softirq steal ...
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = match[2]!
      .trim()
      .split(/\s+/)
      .map(Number);
    times[Number(match[1])] = {
      processUs: (user + nice + system + irq) * tick,
      softirqUs: softirq * tick,
      stealUs: steal * tick,
    };
  }
  return times.length > 0 ? times : null;
}

export function cpuTimes(): CpuTimes[] {
  return (
    fromProcStat() ??
    cpus().map(({ times }) => ({
      processUs: (times.user + times.nice + times.sys + times.irq) * 1000,
      softirqUs: 0,
      stealUs: 0,
    }))
  );
}
