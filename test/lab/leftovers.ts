// What a lab (or a crashed run) left behind: namespaces, processes, /etc/netns
// entries and temp dirs carrying a prefix. Tests assert this is empty.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { runSync } from "./commands.ts";

/** Every process the lab starts carries NETPROOF_LAB=<prefix> in its environment. */
export const LAB_ENV = "NETPROOF_LAB";

export interface Leftovers {
  readonly namespaces: readonly string[];
  readonly processes: readonly number[];
  readonly etcNetns: readonly string[];
  readonly tempDirs: readonly string[];
}

export function listLeftovers(prefix: string): Leftovers {
  return {
    namespaces: labNamespaces(prefix),
    processes: labProcesses(prefix),
    etcNetns: entries("/etc/netns").filter((n) => n.startsWith(prefix)),
    tempDirs: tempRoots().flatMap((dir) => entries(dir).filter((n) => n.startsWith(prefix)).map((n) => `${dir}/${n}`)),
  };
}

export function isClean(l: Leftovers): boolean {
  return l.namespaces.length + l.processes.length + l.etcNetns.length + l.tempDirs.length === 0;
}

export function labNamespaces(prefix: string): string[] {
  const r = runSync("ip", ["netns", "list"]);
  return r.stdout
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.startsWith(prefix));
}

/** Pids whose environment has NETPROOF_LAB=<prefix> exactly. */
export function labProcesses(prefix: string): number[] {
  const marker = `${LAB_ENV}=${prefix}`;
  const pids: number[] = [];
  for (const entry of entries("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      if (env.includes(marker)) pids.push(Number(entry));
    } catch {
      // Gone already, or a zombie: nothing left to clean.
    }
  }
  return pids;
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A lab prefix as Lab makes it: `np-<pid of the owning process>-<4 hex>-`. */
const OWNED_PREFIX = /^(np-(\d+)-[0-9a-f]{4}-)/;

/**
 * Removes what labs of dead processes left behind (a run killed with
 * SIGKILL cannot clean up after itself). Only names of the form
 * `np-<pid>-<hex>-` whose pid is no longer alive are touched: other runs, and
 * anything not netproof's, are left alone. Returns the prefixes it reclaimed.
 */
export function reclaimLeftovers(): string[] {
  const candidates = new Set<string>();
  const consider = (name: string) => {
    const m = OWNED_PREFIX.exec(name);
    if (m?.[1] !== undefined && !isAlive(Number(m[2]))) candidates.add(m[1]);
  };
  for (const ns of labNamespaces("np-")) consider(ns);
  for (const entry of entries("/etc/netns")) consider(entry);
  for (const dir of tempRoots()) for (const entry of entries(dir)) consider(entry);
  for (const [, prefix] of labProcessPrefixes()) consider(prefix);
  const reclaimed = [...candidates];
  for (const prefix of reclaimed) removeLeftovers(prefix);
  if (reclaimed.length > 0) {
    process.stderr.write(`netproof lab: removed what earlier runs left behind (${reclaimed.join(", ")}: their processes are gone)\n`);
  }
  return reclaimed;
}

export function removeLeftovers(prefix: string): void {
  for (const pid of labProcesses(prefix)) killPid(pid);
  const namespaces = labNamespaces(prefix);
  for (const ns of namespaces) {
    for (const pid of runSync("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean)) killPid(Number(pid));
  }
  if (namespaces.length > 0) runSync("ip", ["-force", "-batch", "-"], namespaces.map((ns) => `netns del ${ns}`).join("\n") + "\n");
  for (const entry of entries("/etc/netns")) if (entry.startsWith(prefix)) rmSync(`/etc/netns/${entry}`, { recursive: true, force: true });
  for (const dir of tempRoots()) {
    for (const entry of entries(dir)) if (entry.startsWith(prefix)) rmSync(`${dir}/${entry}`, { recursive: true, force: true });
  }
}

/** A zombie is dead too: it only waits for a parent that may never reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** [pid, prefix] of every process carrying a lab marker. */
function labProcessPrefixes(): [number, string][] {
  const found: [number, string][] = [];
  for (const entry of entries("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const marker = readFileSync(`/proc/${entry}/environ`, "latin1")
        .split("\0")
        .find((v) => v.startsWith(`${LAB_ENV}=`));
      if (marker !== undefined) found.push([Number(entry), marker.slice(LAB_ENV.length + 1)]);
    } catch {
      // Gone already.
    }
  }
  return found;
}

function tempRoots(): string[] {
  return [...new Set([tmpdir(), "/dev/shm"])];
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
