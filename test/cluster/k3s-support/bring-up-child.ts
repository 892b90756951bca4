// Test support: brings up a cluster profile the way the CLI will, in a child
// process, so tests can watch its exit code, its stderr and its signals.
//   tsx bring-up-child.ts <profile.json> <run-id> [cache-dir]
// The profile is a ResolvedProfile as JSON (a test-only profile can name a
// local image). Prints READY and waits on success; a UserError prints like
// the CLI (netproof: message, hint) and exits 2.
import { readFileSync } from "node:fs";
import { startK3s } from "../../../src/cluster/k3s/start-k3s.ts";
import type { ResolvedProfile } from "../../../src/cluster/k3s/profiles.ts";
import { UserError, formatProblem } from "../../../src/user-error.ts";

const [profileFile, runId, cache] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(profileFile!, "utf8")) as ResolvedProfile;
try {
  const cluster = await startK3s(profile, { runId: runId!, ...(cache ? { cacheDir: cache } : {}) });
  process.stdout.write("READY\n");
  await cluster.stop();
} catch (e) {
  if (e instanceof UserError) {
    for (const p of e.problems) process.stderr.write(`netproof: ${formatProblem(p)}\n`);
    process.exit(2);
  }
  process.stderr.write(`netproof: internal error\n${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(3);
}
