// The CNI manifests of a profile, ready for k3s's auto-deploy folder:
// fetched through the cache (checksum verified), patched as parsed objects.
import { fetchManifest } from "./manifest-cache.ts";
import { applyPatches, parseManifest, renderManifest } from "./manifest-patches.ts";
import type { ResolvedProfile } from "./profiles.ts";

export interface PreparedManifest {
  readonly name: string;
  readonly yaml: string;
}

export async function prepareCniManifests(
  profile: ResolvedProfile,
  cacheDir: string,
  log: (line: string) => void,
  progress: (phase: string) => void,
): Promise<PreparedManifest[]> {
  const cni = profile.cni;
  if (!cni) return [];
  const prepared: PreparedManifest[] = [];
  for (const [index, m] of cni.manifests.entries()) {
    progress(`${cni.name} ${cni.version}: manifest ${m.name}`);
    const fetched = await fetchManifest(m, {
      dir: cacheDir,
      pinLocation: `${profile.file} cni.checksums["${cni.version}"].${m.name}`,
      warn: (line) => log(`netproof: warning: ${line}`),
    });
    const objects = applyPatches(parseManifest(fetched.text, m.url), m.patches, {
      profileFile: profile.file,
      field: `cni.manifests[${index}].patches`,
      source: m.url,
    });
    prepared.push({ name: m.name, yaml: renderManifest(objects) });
  }
  return prepared;
}
