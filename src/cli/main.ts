#!/usr/bin/env node
// netproof's command line. Parsing and wiring only: every decision lives in
// the pipeline stages.

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UserError, formatProblem } from "../user-error.ts";
import { scenarioCommand } from "./scenario-command.ts";
import { schemaCommand } from "./schema-command.ts";
import { diffCommand } from "./diff-command.ts";
import { cleanupCommand, type CleanupFlags } from "./cleanup-command.ts";
import type { ClusterFlags } from "./cluster-factory.ts";

import { EXIT } from "./exit.ts";

export { EXIT };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_SCENARIO_DIR = path.join(repoRoot, "scenarios");

export function buildProgram(): Command {
  const program = new Command("netproof")
    .description("Proves that a Kubernetes cluster's network does what its NetworkPolicies say.")
    .showSuggestionAfterError(true)
    .exitOverride();

  program
    .command("scenario")
    .description("check a scenario on a cluster, or with --plan predict every cell from the policies without one")
    .argument("[scenarios...]", "scenario names from the library (see --list) or paths to scenario files")
    .option("--plan", "no cluster: compare declared and predicted reachability")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--list", "list the scenarios in the library with their descriptions")
    .option("--all", "run every scenario of the library (one combined report and exit code)")
    .option("--verbose", "explain every cell, not only the disagreements")
    .option("--cluster <profile>", "live runs: k3s in Docker with this profile (clusters/*.yaml)")
    .option("--kubeconfig <file>", "live runs: an existing cluster (never touched without this flag)")
    .option("--context <name>", "with --kubeconfig: the context to use (default: the file's current context)")
    .option("--keep", "k3s: leave the cluster up after the run and print how to reach it")
    .option("--reuse", "k3s: run on a cluster kept earlier with --keep (same profile), if there is one")
    .option("--calico-version <version>", "k3s-calico: the Calico version (default: the profile's, or NETPROOF_CALICO_VERSION)")
    .option("--list-clusters", "list the k3s cluster profiles (clusters/*.yaml)")
    .option("--image <ref>", "the image of netproof's pods (default: netshoot pinned by digest)")
    .option("--probe-timeout <ms>", "live runs: each probe's timeout (whole seconds, rounded up)", milliseconds, 2000)
    .option("--observe <ms>", "live runs: watch every cell at least this long after each change", milliseconds, 5000)
    .option("--dir <dir>", "the scenario library folder", DEFAULT_SCENARIO_DIR)
    .option("--report-dir <dir>", "also write results.json, junit.xml, summary.md and matrix.html there")
    .option("--save-baseline <file>", "store this run's answers (with what the cluster says of itself) for a later --baseline or diff")
    .option("--baseline <file>", "compare this run with a stored one and list every cell that changed (exit 4 when only that)")
    .showHelpAfterError("(run with --help for the flags)")
    .action(async (scenarios: string[], opts: ScenarioFlags) => {
      process.exitCode = await scenarioCommand(scenarios, opts);
    });

  program
    .command("diff")
    .description("compare two stored runs (results.json or --save-baseline files) without a cluster; exit 1 when a cell changed")
    .argument("<before>", "the older run")
    .argument("<after>", "the newer run")
    .action((before: string, after: string) => {
      process.exitCode = diffCommand(before, after);
    });

  program
    .command("cleanup")
    .description("list what netproof runs that died left on a cluster, and remove it after confirmation")
    .requiredOption("--kubeconfig <file>", "the cluster's kubeconfig")
    .option("--context <name>", "the context to use (default: the file's current context)")
    .option("--yes", "remove without asking (needed when stdin is not a terminal)")
    .action(async (opts: CleanupFlags) => {
      process.exitCode = await cleanupCommand(opts);
    });

  program
    .command("schema")
    .description("print the JSON Schema of scenario files, or write it for editors")
    .option("--write [file]", "write it (default: scenarios/netproof.schema.json)")
    .action((opts: { write?: string | boolean }) => {
      process.exitCode = schemaCommand(opts, DEFAULT_SCENARIO_DIR);
    });

  return program;
}

/** The cluster flags (ClusterFlags) plus the rest of `scenario`'s. */
export interface ScenarioFlags extends ClusterFlags {
  readonly plan?: boolean;
  readonly format: "text" | "json";
  readonly list?: boolean;
  readonly all?: boolean;
  readonly verbose?: boolean;
  readonly dir: string;
  readonly listClusters?: boolean;
  readonly probeTimeout: number;
  readonly observe: number;
  readonly reportDir?: string;
  readonly saveBaseline?: string;
  readonly baseline?: string;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number of milliseconds, e.g. 2000");
  return n;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed its message (with a suggestion when one fits)
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UserError) {
      for (const p of err.problems) process.stderr.write(`netproof: ${formatProblem(p)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`netproof: internal error (a bug; please report it with this trace)\n`);
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.internal;
  }
}

/**
 * The folder netproof was called from, against which paths on the command line
 * resolve. `npm run` starts a package's scripts in the package root and keeps
 * the caller's folder in INIT_CWD; only netproof's own scripts are re-rooted,
 * since a user's script that calls netproof is written for its package root.
 */
export function callerCwd(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const ownNpmScript = env["npm_lifecycle_event"] !== undefined && env["npm_package_name"] === "netproof";
  return ownNpmScript && env["INIT_CWD"] ? env["INIT_CWD"] : cwd;
}

export function isEntryPoint(moduleUrl: string, argv1: string | undefined): boolean {
  if (!argv1) return false;
  // The npm bin is a symlink to the built main.js: compare real paths.
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return real(fileURLToPath(moduleUrl)) === real(path.resolve(argv1));
}

if (isEntryPoint(import.meta.url, process.argv[1])) {
  try {
    process.chdir(callerCwd());
  } catch {
    // INIT_CWD is gone (deleted meanwhile): stay where npm started us.
  }
  process.exitCode = await main(process.argv.slice(2));
}
