// What a lab (or a crashed run) left behind: namespaces, processes, /etc/netns
// entries and temp dirs carrying a prefix. Tests assert this is empty.
import { readdirSync, readFileSync } from "node:fs";
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
    tempDirs: [tmpdir(), "/dev/shm"].flatMap((dir) => entries(dir).filter((n) => n.startsWith(prefix)).map((n) => `${dir}/${n}`)),
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
