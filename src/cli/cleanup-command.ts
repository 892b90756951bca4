// `netproof cleanup --kubeconfig FILE [--context NAME] [--yes]`: what runs that
// died left on a cluster (namespaces carrying netproof's owner label, by run),
// removed after the user confirms on a terminal, or with --yes. A run still
// going elsewhere looks the same as a dead one, so each run shows its age.
// Exit: 0 nothing left, 1 leftovers not removed (not confirmed), 2 bad input,
// 3 the removal failed. Wiring only.
import { createInterface } from "node:readline/promises";
import { checkServer, listLeftovers, loadKubeconfig, removeLeftovers, type LeftoverRun } from "../cluster/kubernetes/index.ts";
import { EXIT } from "./exit.ts";

export interface CleanupFlags {
  readonly kubeconfig: string;
  readonly context?: string;
  readonly yes?: boolean;
}

export interface CleanupIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Asks a yes/no question on the terminal; absent when stdin is not one. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly now?: () => number;
}

export async function cleanupCommand(flags: CleanupFlags, io: CleanupIo = processIo()): Promise<number> {
  const loaded = loadKubeconfig({ file: flags.kubeconfig, ...(flags.context !== undefined ? { context: flags.context } : {}) });
  await checkServer(loaded);
  io.stderr(`netproof: kubeconfig ${loaded.file}, context ${loaded.context}${loaded.contextFromFile ? " (the file's current context)" : ""}, server ${loaded.server}\n`);
  let runs: LeftoverRun[];
  try {
    runs = await listLeftovers(loaded);
  } catch (error) {
    io.stderr(`netproof: could not list namespaces: ${message(error)}\n`);
    return EXIT.infra;
  }
  if (runs.length === 0) {
    io.stdout("no leftovers of netproof runs\n");
    return EXIT.ok;
  }
  const now = (io.now ?? Date.now)();
  io.stdout(`leftovers of ${runs.length} netproof run${runs.length === 1 ? "" : "s"}:\n`);
  for (const r of runs) io.stdout(`  run ${r.runId}${r.createdAt ? `, started ${age(now - r.createdAt.getTime())} ago` : ""}: ${r.namespaces.join(", ")}\n`);
  if (!flags.yes) {
    if (!io.confirm) {
      io.stderr("netproof: not removing them without confirmation (stdin is not a terminal); a run still in progress elsewhere looks the same\n");
      io.stderr("  hint: run again with --yes to remove them\n");
      return EXIT.mismatch;
    }
    if (!(await io.confirm(`remove ${runs.reduce((n, r) => n + r.namespaces.length, 0)} namespaces? [y/N] `))) {
      io.stdout("nothing removed\n");
      return EXIT.mismatch;
    }
  }
  try {
    await removeLeftovers(loaded, runs);
  } catch (error) {
    io.stderr(`netproof: removing the leftovers failed: ${message(error)}\n`);
    return EXIT.infra;
  }
  io.stdout(`removed ${runs.map((r) => r.namespaces.join(", ")).join(", ")}\n`);
  return EXIT.ok;
}

function processIo(): CleanupIo {
  const confirm = process.stdin.isTTY
    ? async (question: string): Promise<boolean> => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return /^y(es)?$/i.test((await rl.question(question)).trim());
        } finally {
          rl.close();
        }
      }
    : undefined;
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    ...(confirm ? { confirm } : {}),
  };
}

function age(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
