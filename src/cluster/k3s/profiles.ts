// Cluster profiles: clusters/*.yaml, validated when loaded, listed for
// `--list-clusters`, picked by name for `--cluster`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError, type Problem } from "../../user-error.ts";
import { parseYaml } from "../../scenario/yaml-source.ts";
import { validate } from "../../scenario/zod-problems.ts";
import { didYouMeanHint } from "../../scenario/suggest.ts";
import { CNI_VERSION, SHA256_HEX, profileSchema, type ManifestPatch, type ProfileData } from "./profile-schema.ts";

export const DEFAULT_CLUSTERS_DIR = fileURLToPath(new URL("../../../clusters/", import.meta.url));

export interface LoadedProfile extends ProfileData {
  /** The file it came from, as given (for messages). */
  readonly file: string;
}

export interface ProfileSummary {
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
}

/** Every profile of the folder, validated; a broken file is an error naming it. */
export function loadProfiles(dir: string = DEFAULT_CLUSTERS_DIR): LoadedProfile[] {
  const files = profileFiles(dir);
  const problems: Problem[] = [];
  const profiles: LoadedProfile[] = [];
  for (const file of files) {
    try {
      profiles.push(loadProfileFile(file));
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  const defaults = profiles.filter((p) => p.default);
  if (defaults.length > 1) {
    throw new UserError({
      file: dir,
      message: `more than one default cluster profile: ${defaults.map((p) => p.name).join(", ")}`,
      hint: "set default: true in one profile only",
    });
  }
  return profiles.sort((a, b) => a.name.localeCompare(b.name));
}

export function listProfiles(dir: string = DEFAULT_CLUSTERS_DIR): ProfileSummary[] {
  return loadProfiles(dir).map((p) => ({ name: p.name, description: p.description, isDefault: p.default }));
}

/** The named profile, or the default one when no name is given. */
export function loadProfile(name: string | undefined, dir: string = DEFAULT_CLUSTERS_DIR): LoadedProfile {
  const profiles = loadProfiles(dir);
  const names = profiles.map((p) => p.name);
  if (name === undefined) {
    const chosen = profiles.find((p) => p.default);
    if (!chosen) throw new UserError({ file: dir, message: "no cluster profile is marked default: true", hint: `name one: ${names.join(", ")}` });
    return chosen;
  }
  const found = profiles.find((p) => p.name === name);
  if (found) return found;
  const suggestion = didYouMeanHint(name, names);
  throw new UserError({
    message: `unknown cluster profile "${name}"`,
    hint: [suggestion, `available: ${names.join(", ") || "(none)"}`].filter(Boolean).join(" "),
  });
}

export function loadProfileFile(file: string): LoadedProfile {
  const text = readFileSync(file, "utf8");
  const shown = displayPath(file);
  const parsed = parseYaml(shown, text);
  const result = validate(profileSchema, parsed.value, parsed.locate);
  if (!result.ok) throw new UserError(result.problems);
  const profile = result.value;
  const problems: Problem[] = [];
  const stem = basename(file).replace(/\.ya?ml$/, "");
  if (profile.name !== stem) {
    problems.push({ ...parsed.locate.at(["name"]), field: "name", message: `the profile in ${basename(file)} must be named "${stem}"` });
  }
  if (profile.cni) {
    const manifestNames = profile.cni.manifests.map((m) => m.name);
    for (const [i, m] of profile.cni.manifests.entries()) {
      if (manifestNames.indexOf(m.name) !== i) {
        problems.push({ ...parsed.locate.at(["cni", "manifests", i, "name"]), field: `cni.manifests[${i}].name`, message: `duplicate manifest name "${m.name}"` });
      }
    }
    for (const [version, sums] of Object.entries(profile.cni.checksums)) {
      for (const key of Object.keys(sums)) {
        if (!manifestNames.includes(key)) {
          problems.push({
            ...parsed.locate.at(["cni", "checksums", version, key], { key: true }),
            field: `cni.checksums["${version}"].${key}`,
            message: `no manifest is named "${key}"`,
            hint: `manifests: ${manifestNames.join(", ")}`,
          });
        }
      }
    }
  }
  if (problems.length > 0) throw new UserError(problems);
  return { ...profile, file: shown };
}

function profileFiles(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a folder");
    entries = readdirSync(dir);
  } catch {
    throw new UserError({ file: dir, message: "the cluster profile folder does not exist or is not a folder" });
  }
  return entries.filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith("..") ? file : rel;
}

// ---- resolving a profile for one run ---------------------------------------

export interface ResolveOptions {
  /** From a flag; wins over the environment variable the profile names. */
  readonly cniVersion?: string;
  /** sha256 per manifest name, from a flag: used instead of the profile's list. */
  readonly checksums?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ResolvedManifest {
  readonly name: string;
  readonly url: string;
  /** undefined: not pinned for this version (recorded on first download). */
  readonly sha256: string | undefined;
  readonly patches: readonly ManifestPatch[];
}

export interface ResolvedProfile {
  readonly name: string;
  readonly description: string;
  readonly file: string;
  readonly image: string;
  readonly args: readonly string[];
  readonly readyLog: string;
  readonly sharedRootMount: boolean;
  readonly startupTimeoutMs: number;
  readonly cni?: { readonly name: string; readonly version: string; readonly manifests: readonly ResolvedManifest[]; readonly serves: readonly string[] };
  readonly enforcesPolicy: boolean;
  readonly ready: ProfileData["ready"];
}

/** The profile with its CNI version chosen (flag, then environment, then the file) and URLs filled in. */
export function resolveProfile(profile: LoadedProfile, options: ResolveOptions = {}): ResolvedProfile {
  const env = options.env ?? process.env;
  const base = {
    name: profile.name,
    description: profile.description,
    file: profile.file,
    image: profile.k3s.image,
    args: profile.k3s.args,
    readyLog: profile.k3s.readyLog,
    sharedRootMount: profile.k3s.sharedRootMount,
    startupTimeoutMs: profile.k3s.startupTimeoutSeconds * 1000,
    enforcesPolicy: profile.enforcesPolicy,
    ready: profile.ready,
  };
  const cni = profile.cni;
  if (!cni) {
    if (options.cniVersion !== undefined) {
      throw new UserError({ message: `cluster profile "${profile.name}" has no CNI to choose a version of`, hint: "the CNI version applies to k3s-calico" });
    }
    return base;
  }
  const fromEnv = env[cni.versionEnv];
  const source = options.cniVersion !== undefined ? "the CNI version flag" : fromEnv ? cni.versionEnv : undefined;
  const raw = (options.cniVersion ?? (fromEnv || undefined) ?? cni.version).replace(/^v/, "");
  if (!CNI_VERSION.test(raw)) {
    throw new UserError({ message: `${source ?? "the CNI version"}: "${raw}" is not a ${cni.name} version`, hint: "e.g. 3.33.1" });
  }
  const overrides = options.checksums ?? {};
  for (const [name, sum] of Object.entries(overrides)) {
    if (!cni.manifests.some((m) => m.name === name)) {
      throw new UserError({ message: `checksum given for "${name}", which is no manifest of ${profile.name}`, hint: `manifests: ${cni.manifests.map((m) => m.name).join(", ")}` });
    }
    if (!SHA256_HEX.test(sum)) throw new UserError({ message: `checksum for "${name}": "${sum}" is not a sha256 (64 lowercase hex digits)` });
  }
  const pinned = cni.checksums[raw] ?? {};
  return {
    ...base,
    cni: {
      name: cni.name,
      version: raw,
      serves: cni.serves,
      manifests: cni.manifests.map((m) => ({
        name: m.name,
        url: m.url.replaceAll("{version}", raw),
        sha256: overrides[m.name] ?? pinned[m.name],
        patches: m.patches,
      })),
    },
  };
}
