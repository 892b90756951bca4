// Test support: a profile's CNI manifests put in a manifest cache from the
// abridged fixtures, so a bring-up needs no download (no internet here).
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cachedManifestPath } from "../../../src/cluster/k3s/manifest-cache.ts";
import type { ResolvedProfile } from "../../../src/cluster/k3s/profiles.ts";

const FIXTURES = fileURLToPath(new URL("../k3s-fixtures/", import.meta.url));

export function cacheAbridgedManifests(cache: string, profile: ResolvedProfile): void {
  for (const m of profile.cni?.manifests ?? []) {
    const text = readFileSync(join(FIXTURES, m.name === "calico" ? "calico-abridged.yaml" : "apiserver-abridged.yaml"));
    const path = cachedManifestPath(cache, m);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    writeFileSync(`${path}.sha256`, createHash("sha256").update(text).digest("hex"));
  }
}
