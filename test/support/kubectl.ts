// The kubectl binaries the stand-in is checked with, one per minor version.
// Like the lab's preflight, a missing one fails the suite with where it was
// looked for: an absent client must not turn into skipped or green tests.
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The development machines ship them here; NETPROOF_KUBECTL_DIR points elsewhere (the GitHub workflow fetches them). */
const DIRS = [process.env.NETPROOF_KUBECTL_DIR, "/usr/lib/google-cloud-sdk/bin"].filter((d): d is string => !!d);

export function kubectlPath(minor: string): string {
  return DIRS.map((d) => join(d, `kubectl.${minor}`)).find(existsSync) ?? join(DIRS[0] ?? ".", `kubectl.${minor}`);
}

export function assertKubectls(minors: readonly string[]): void {
  const missing = minors.filter((m) => !existsSync(kubectlPath(m)));
  if (missing.length > 0) {
    throw new Error(
      `kubectl ${missing.join(", ")} not found as kubectl.<minor> in ${DIRS.join(" or ")}: ` +
        "put those binaries there, or in a folder named by NETPROOF_KUBECTL_DIR",
    );
  }
}
