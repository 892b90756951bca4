// Turns probe specs into the runner's argv. The runner gets each probe as 7
// fixed arguments (see runner.sh); values are checked here so that nothing a
// tool could read as an option, and nothing that breaks the one-line output,
// ever reaches it. Caller ids never reach the runner at all: the wire carries
// positional ids (p0, p1, ...) that the engine maps back.
import { isIP } from "node:net";
import type { ProbeSpec } from "./types.ts";
import { isValidIdentity } from "./servers.ts";
import { RUNNER_SCRIPT } from "./scripts.ts";

export const RUNNER_NAME = "netproof-probe";
export const ENCODING_VERSION = "v1";
export const ARGS_PER_PROBE = 7;

export class ProbeSpecError extends Error {
  constructor(
    readonly probeId: string,
    readonly reason: string,
  ) {
    super(`probe ${JSON.stringify(probeId)}: ${reason}`);
    this.name = "ProbeSpecError";
  }
}

const LABEL = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);
const METHOD = /^[A-Z]{1,20}$/;
const PATH = /^\/[\x21-\x7e]{0,2000}$/;

/** Why a spec cannot be encoded, or undefined if it can. */
export function specProblem(spec: ProbeSpec): string | undefined {
  switch (spec.kind) {
    case "tcp":
    case "udp":
    case "sctp":
      return (
        hostProblem(spec.host) ??
        portProblem(spec.port) ??
        (spec.expectIdentity !== undefined && !isValidIdentity(spec.expectIdentity)
          ? "expectIdentity must be 1-200 printable ASCII characters without spaces"
          : undefined)
      );
    case "http":
      return (
        hostProblem(spec.host) ??
        portProblem(spec.port) ??
        (METHOD.test(spec.method) ? undefined : `method ${JSON.stringify(spec.method)} must be upper-case letters`) ??
        (PATH.test(spec.path) ? undefined : `path ${JSON.stringify(spec.path)} must start with / and hold no spaces or control characters`)
      );
    case "dns":
      if (!isDnsName(spec.name)) return `name ${JSON.stringify(spec.name)} is not a DNS name`;
      if (spec.server !== undefined && isIP(spec.server) === 0) {
        return `dns server ${JSON.stringify(spec.server)} must be an IP address`;
      }
      return undefined;
  }
}

/** The runner takes a timeout of 1 to 999 whole seconds. */
export const MAX_TIMEOUT_SECONDS = 999;

/** The runner works in whole seconds (nc -w, dig +time): round up, at least 1. */
export function timeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000));
}

export function wireId(index: number): string {
  return `p${index}`;
}

/** The 7 runner arguments of one probe. Throws ProbeSpecError if the spec is unsafe. */
export function probeArgs(spec: ProbeSpec, id: string, timeoutMs: number): string[] {
  const problem = specProblem(spec);
  if (problem !== undefined) throw new ProbeSpecError(spec.id, problem);
  const t = String(timeoutSeconds(timeoutMs));
  switch (spec.kind) {
    case "tcp":
    case "udp":
    case "sctp":
      return [id, spec.kind, spec.host, String(spec.port), t, spec.expectIdentity ?? "", ""];
    case "http":
      return [id, "http", spec.host, String(spec.port), t, spec.method, spec.path];
    case "dns":
      return [id, "dns", spec.name, "53", t, spec.server ?? "", ""];
  }
}

export interface EncodedBatch {
  /** The full argv to exec in the client. */
  readonly argv: readonly string[];
  /** wireIds[i] is the id the runner prints for specs[i]. */
  readonly wireIds: readonly string[];
}

export function encodeBatch(specs: readonly ProbeSpec[], timeoutMs: number): EncodedBatch {
  const wireIds = specs.map((_, i) => wireId(i));
  const args = specs.flatMap((spec, i) => probeArgs(spec, wireId(i), timeoutMs));
  return { argv: runnerArgv(args), wireIds };
}

/**
 * The kernel refuses an exec whose argv and environment together pass ARG_MAX
 * (E2BIG; 2 MiB with the usual 8 MiB stack, counting each string, its NUL and
 * its pointer) or any one string longer than MAX_ARG_STRLEN (128 KiB). A
 * client's probes are split so that no argv passes half of ARG_MAX: the other
 * half is left to the pod's environment and to the transport's own wrapper
 * (`ip netns exec`, a container runtime).
 */
export const ARGV_BUDGET_BYTES = 1024 * 1024;
export const MAX_ARG_STRLEN = 128 * 1024;

/** What one string costs in an exec: its bytes, its NUL and its pointer. */
export function argvCost(arg: string): number {
  return Buffer.byteLength(arg) + 1 + 8;
}

export interface EncodedChunk extends EncodedBatch {
  /** specs[first + i] is the probe printed as wireIds[i]. */
  readonly first: number;
}

/**
 * One or more runner argvs for one client, each within `budget` bytes, in spec
 * order. Wire ids count on across the chunks. Throws ProbeSpecError if a spec
 * is unsafe.
 */
export function encodeChunks(specs: readonly ProbeSpec[], timeoutMs: number, budget = ARGV_BUDGET_BYTES): EncodedChunk[] {
  const fixed = runnerArgv([]).reduce((n, arg) => n + argvCost(arg), 0);
  const chunks: EncodedChunk[] = [];
  let args: string[] = [];
  let wireIds: string[] = [];
  let first = 0;
  let cost = fixed;
  specs.forEach((spec, i) => {
    const id = wireId(i);
    const probe = probeArgs(spec, id, timeoutMs);
    const probeCost = probe.reduce((n, arg) => n + argvCost(arg), 0);
    if (fixed + probeCost > budget) throw new ProbeSpecError(spec.id, "its arguments alone pass the exec size budget");
    if (cost + probeCost > budget) {
      chunks.push({ argv: runnerArgv(args), wireIds, first });
      args = [];
      wireIds = [];
      first = i;
      cost = fixed;
    }
    for (const arg of probe) args.push(arg);
    wireIds.push(id);
    cost += probeCost;
  });
  if (wireIds.length > 0) chunks.push({ argv: runnerArgv(args), wireIds, first });
  return chunks;
}

function runnerArgv(probeArgs: readonly string[]): string[] {
  const argv = ["sh", "-c", RUNNER_SCRIPT, RUNNER_NAME, ENCODING_VERSION];
  for (const arg of probeArgs) argv.push(arg);
  return argv;
}

function hostProblem(host: string): string | undefined {
  return isIP(host) !== 0 || isDnsName(host) ? undefined : `host ${JSON.stringify(host)} is neither an IP address nor a DNS name`;
}

function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `port ${port} is not a port number`;
}

function isDnsName(name: string): boolean {
  return name.length <= 254 && DNS_NAME.test(name);
}
