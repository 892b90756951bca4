// CNI manifests are downloaded once into a cache and verified by sha256 on
// every use. A version the profile pins is checked against the pin; one it
// does not pin (a nightly matrix version) is trusted on first download, its
// checksum recorded beside it and printed so it can be pinned.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "../../user-error.ts";
import type { ResolvedManifest } from "./profiles.ts";

/** `$NETPROOF_CACHE_DIR`, else `$XDG_CACHE_HOME/netproof`, else `~/.cache/netproof`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env["NETPROOF_CACHE_DIR"]) return env["NETPROOF_CACHE_DIR"];
  const base = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(base, "netproof");
}

export interface FetchedManifest {
  readonly text: string;
  readonly sha256: string;
  /** How the checksum was established. */
  readonly trust: "pinned" | "recorded-now" | "recorded-earlier";
  readonly path: string;
  readonly downloaded: boolean;
}

export interface FetchOptions {
  readonly dir: string;
  /** Shown in messages: where the pin would go, e.g. `clusters/k3s-calico.yaml cni.checksums["3.33.1"].calico`. */
  readonly pinLocation: string;
  readonly timeoutMs?: number;
  readonly warn?: (line: string) => void;
}

export async function fetchManifest(manifest: ResolvedManifest, options: FetchOptions): Promise<FetchedManifest> {
  const path = cachedManifestPath(options.dir, manifest);
  const folder = dirname(path);
  const recordPath = `${path}.sha256`;
  const warn = options.warn ?? (() => {});

  const recorded = readIfExists(recordPath)?.toString("utf8").trim();
  const cached = readIfExists(path);
  if (cached !== undefined) {
    const actual = sha256(cached);
    if (manifest.sha256 !== undefined && actual === manifest.sha256) {
      return { text: cached.toString("utf8"), sha256: actual, trust: "pinned", path, downloaded: false };
    }
    if (manifest.sha256 === undefined && recorded === actual) {
      warn(`${manifest.name}: not pinned in the profile; verified against the sha256 recorded on first download (${actual})`);
      return { text: cached.toString("utf8"), sha256: actual, trust: "recorded-earlier", path, downloaded: false };
    }
    // A stale or damaged cache entry: download again.
  }

  const bytes = await download(manifest.url, options.timeoutMs ?? 60_000, options.dir);
  const actual = sha256(bytes);
  const text = bytes.toString("utf8");
  if (manifest.sha256 !== undefined && actual !== manifest.sha256) {
    throw new UserError({
      message: `${manifest.url} has sha256 ${actual}, but the profile pins ${manifest.sha256}`,
      hint: `the file changed upstream or the download was altered; check the release, then update ${options.pinLocation}`,
    });
  }
  if (manifest.sha256 === undefined && recorded !== undefined && actual !== recorded) {
    throw new UserError({
      message: `${manifest.url} has sha256 ${actual}, but its first download here had ${recorded}`,
      hint: `the file changed upstream or the download was altered; pin the right one in ${options.pinLocation} (or delete ${recordPath} to trust the new file)`,
    });
  }
  mkdirSync(folder, { recursive: true });
  writeAtomically(path, bytes);
  if (manifest.sha256 === undefined) {
    writeAtomically(recordPath, `${actual}\n`);
    warn(`${manifest.name}: not pinned in the profile; recorded sha256 ${actual} on first download. Pin it: ${options.pinLocation}: ${actual}`);
    return { text, sha256: actual, trust: "recorded-now", path, downloaded: true };
  }
  return { text, sha256: actual, trust: "pinned", path, downloaded: true };
}

/** Where a manifest is cached (its checksum record, when unpinned, is beside it with `.sha256`). */
export function cachedManifestPath(dir: string, manifest: Pick<ResolvedManifest, "name" | "url">): string {
  return join(dir, "manifests", `${manifest.name}-${sha256(manifest.url).slice(0, 12)}.yaml`);
}

async function download(url: string, timeoutMs: number, dir: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new UserError({
      message: `could not download ${url}: ${cause}`,
      hint: `k3s profiles need the internet once for the CNI manifest (then it is cached in ${dir}); or run against an existing cluster with --kubeconfig <file>, or without a cluster with --plan`,
    });
  }
  if (!response.ok) {
    throw new UserError({
      message: `could not download ${url}: HTTP ${response.status}`,
      hint: "is the CNI version right? (a version that does not exist gives 404)",
    });
  }
  return Buffer.from(await response.arrayBuffer());
}

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function readIfExists(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

function writeAtomically(path: string, text: Buffer | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
