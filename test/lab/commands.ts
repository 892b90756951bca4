// Running the lab's own commands: ip, nft, and argv in a namespace. Always
// argv, never a shell string; the sync variants exist for cleanup from signal
// and exit handlers, where nothing asynchronous runs any more.
import { spawnSync } from "node:child_process";
import { execa } from "execa";

export async function run(file: string, args: readonly string[], input?: string): Promise<string> {
  const result = await execa(file, args, { input: input ?? "", reject: false, timeout: 30_000 });
  if (result.exitCode !== 0) {
    throw new Error(`${file} ${args.join(" ")} failed (${result.exitCode ?? result.signal}): ${String(result.stderr).trim()}`);
  }
  return String(result.stdout);
}

/** `ip [-n ns] -batch -` with one ip command per line. */
export async function ipBatch(lines: readonly string[], ns?: string): Promise<void> {
  if (lines.length === 0) return;
  await run("ip", [...(ns ? ["-n", ns] : []), "-batch", "-"], lines.join("\n") + "\n");
}

export async function nft(ns: string, ruleset: string): Promise<void> {
  await run("ip", ["netns", "exec", ns, "nft", "-f", "-"], ruleset);
}

/** Best effort: errors are reported through the return value, never thrown. */
export function runSync(file: string, args: readonly string[], input?: string): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(file, args, { input: input ?? "", encoding: "utf8", timeout: 30_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? "", stderr: r.stderr ?? String(r.error ?? "") };
}
