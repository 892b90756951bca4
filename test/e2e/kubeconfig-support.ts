// The real CLI on the API stand-in, whose pods run on the lab: in-process
// through main() (the library sweep), or as a child process (`npm run
// scenario`), as a user would run it with `--kubeconfig`.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.ts";
import type { LiveJson } from "../../src/report/live-json.ts";
import type { FaultSink } from "../api-standin/enforcer.ts";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";
import { LabCluster } from "../cluster/lab-adapter.ts";
import type { PodFault } from "../cluster/lab-faults.ts";
import { isClean, listLeftovers } from "../lab/leftovers.ts";
import { expectedVerdict } from "./support.ts";

export interface StandInLab {
  readonly lab: LabCluster;
  readonly s: RunningStandIn;
  /** Namespaces left on the stand-in and objects left in the lab (empty when a run removed everything). */
  residue(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * `enforce`: the stand-in denies what the oracle denies; `deviate` then
 * changes those faults before they reach the lab (a CNI that gets cells wrong).
 */
export async function standInOnLab(options: { enforce?: boolean; deviate?: (faults: PodFault[]) => PodFault[] } = {}): Promise<StandInLab> {
  const lab = await LabCluster.start();
  const sink: FaultSink = {
    setFaults: (faults) => lab.setFaults((options.deviate ? options.deviate(faults.map((f) => f.fault)) : faults.map((f) => f.fault)).map((fault) => ({ fault }))),
  };
  let s: RunningStandIn;
  try {
    s = await startStandIn({ backing: lab, ...(options.enforce ? { enforceAsPredicted: sink } : {}) });
  } catch (error) {
    await lab.cleanup();
    throw error;
  }
  return {
    lab,
    s,
    residue: async () => [
      ...s.standIn.userNamespaces().map((n) => `namespace ${n}`),
      ...(await lab.created()).map((r) => `lab ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`),
    ],
    async stop() {
      await s.stop();
      const left = listLeftovers(lab.prefix);
      if (!isClean(left)) throw new Error(`the lab left ${JSON.stringify(left)}`);
    },
  };
}

/** Fast live-run flags: every cell settles on two equal samples, no extra watching. */
export const FAST = ["--observe", "0", "--probe-timeout", "1000"] as const;

/** `netproof scenario <name> --kubeconfig K --format json` through main(), in this process. */
export async function scenarioInProcess(name: string, kubeconfig: string, extra: readonly string[] = []): Promise<{ code: number; json: LiveJson; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(["scenario", name, "--kubeconfig", kubeconfig, "--format", "json", ...FAST, ...extra]);
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    // main() sets the exit code the CLI would exit with; this process is mocha's.
    process.exitCode = undefined;
  }
  const stderr = err.join("");
  if (out.length === 0) throw new Error(`no report (exit ${code}):\n${stderr}`);
  return { code, json: JSON.parse(out.join("")) as LiveJson, stderr };
}

const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/**
 * The CLI in a child process of its own process group: `npm run scenario --
 * <args>`, or (`via: "node"`) the CLI's node process alone, as a signal test
 * needs it (npm dies of a Ctrl-C at once instead of waiting for its child).
 */
export function scenarioChild(args: readonly string[], options: { env?: NodeJS.ProcessEnv; via?: "npm" | "node" } = {}): ChildProcess & { output: { stdout: string; stderr: string } } {
  return netproofChild(["scenario", ...args], options);
}

/** `npm run netproof -- <args>` (any command), like scenarioChild. */
export function netproofChild(args: readonly string[], options: { env?: NodeJS.ProcessEnv; via?: "npm" | "node" } = {}): ChildProcess & { output: { stdout: string; stderr: string } } {
  const argv = options.via === "node" ? [process.execPath, "--import", "tsx", CLI, ...args] : ["npm", "run", "-s", "netproof", "--", ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, ...options.env },
  }) as ChildProcess & { output: { stdout: string; stderr: string } };
  child.output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (c: Buffer) => (child.output.stdout += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (child.output.stderr += c.toString("utf8")));
  return child;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
}

/** Verdicts by `phase: cell` from the live JSON. */
export function jsonVerdicts(json: LiveJson): Record<string, string> {
  return Object.fromEntries(json.phases.flatMap((p) => p.cells.map((c) => [`${p.name}: ${c.key}`, c.verdict])));
}

/** What each cell of the JSON report should come to on that kind of CNI. */
export function jsonExpected(json: LiveJson, cni: "conformant" | "unenforced"): Record<string, string> {
  const served = new Set(json.externals.filter((e) => e.served).map((e) => e.address));
  return Object.fromEntries(
    json.phases.flatMap((p) =>
      p.cells.map((c) => [
        `${p.name}: ${c.key}`,
        expectedVerdict({ declared: c.declared, predicted: c.predicted, to: c.to, port: c.port, served: c.to.kind === "external" && served.has(c.to.address) }, cni, { dnsMetricsEnforced: false }),
      ]),
    ),
  );
}
