// Faults on the lab adapter are named by pod (`namespace/name`), not by lab
// host, and may be timed: in force only from a moment on (a policy that a CNI
// programs late), or alternating (a flaky one). The lab itself enforces no
// NetworkPolicy: a test that wants a conformant CNI injects the faults the
// oracle predicts; one that wants a CNI that enforces nothing injects none.
import type { FaultAction } from "../lab/faults.ts";

export interface PodFault {
  /** The client pod `namespace/name`; absent = from anywhere. */
  readonly from?: string;
  /** A pod `namespace/name` (`kube-system/coredns` is the cluster DNS), or an external address. */
  readonly to: string;
  /** Absent = every port (and every protocol). */
  readonly port?: number;
  /** Default: both tcp and udp. */
  readonly protocol?: "tcp" | "udp";
  readonly action: FaultAction;
}

export interface FaultTiming {
  /** In force only from this moment (ms since the epoch, as Date.now()). */
  readonly startsAt?: number;
  /** Alternates from startsAt (or from when it is added): in force for periodMs, then not, and so on. */
  readonly flakyPeriodMs?: number;
}

export interface TimedFault {
  readonly fault: PodFault;
  readonly startsAt: number;
  readonly flakyPeriodMs?: number;
}

export function timed(fault: PodFault, timing: FaultTiming = {}, now = Date.now()): TimedFault {
  if (timing.flakyPeriodMs !== undefined && !(timing.flakyPeriodMs >= 10)) {
    throw new Error(`a flaky fault needs a period of at least 10 ms, not ${timing.flakyPeriodMs}`);
  }
  return {
    fault,
    startsAt: timing.startsAt ?? now,
    ...(timing.flakyPeriodMs !== undefined ? { flakyPeriodMs: timing.flakyPeriodMs } : {}),
  };
}

export function isActive(f: TimedFault, now: number): boolean {
  if (now < f.startsAt) return false;
  if (f.flakyPeriodMs === undefined) return true;
  return Math.floor((now - f.startsAt) / f.flakyPeriodMs) % 2 === 0;
}

/** When the fault next switches on or off; undefined when it never will again. */
export function nextSwitch(f: TimedFault, now: number): number | undefined {
  if (now < f.startsAt) return f.startsAt;
  if (f.flakyPeriodMs === undefined) return undefined;
  return f.startsAt + (Math.floor((now - f.startsAt) / f.flakyPeriodMs) + 1) * f.flakyPeriodMs;
}
