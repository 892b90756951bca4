// The shape of a cluster profile in clusters/*.yaml: data, so versions, flags
// and patches change without touching the adapter.
import { z } from "zod";

const SHA256 = /^[0-9a-f]{64}$/;
const VERSION = /^\d+\.\d+\.\d+$/;

/** `[registry[:port]/]repository:tag@sha256:<64 hex>`: a tag for people, the digest for Docker (a mirror may have a port). */
const pinnedImage = z
  .string()
  .regex(/^(?:[a-z0-9][a-z0-9.-]*:\d+\/)?[a-z0-9][a-z0-9._\/-]*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}@sha256:[0-9a-f]{64}$/, {
    message: "an image is pinned by tag and digest: repository:tag@sha256:<64 hex digits>",
  });

const objectRef = z.strictObject({
  kind: z.string().min(1),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1),
});

const patch = z.discriminatedUnion("op", [
  // Sets fields of one plugin in a CNI network config held as JSON in a ConfigMap key.
  z.strictObject({
    op: z.literal("cni-plugin-set"),
    object: objectRef,
    key: z.string().min(1),
    plugin: z.string().min(1),
    set: z.record(z.string(), z.unknown()),
  }),
  // Sets (or replaces) environment variables of one container of a workload.
  z.strictObject({
    op: z.literal("container-env"),
    object: objectRef,
    container: z.string().min(1),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "an environment variable name" }), z.string()),
  }),
  // Sets the value at a path; every parent on the path must already exist.
  z.strictObject({
    op: z.literal("set"),
    object: objectRef,
    path: z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1),
    value: z.unknown(),
  }),
]);

const manifest = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a lowercase name (letters, digits, -)" }),
  url: z
    .string()
    .regex(/^https:\/\/[^\s]+$/, { message: "an https:// URL ({version} is replaced by the CNI version)" }),
  patches: z.array(patch).default([]),
});

const qualifiedName = z.string().regex(/^[a-z0-9][a-z0-9.-]*\/[a-z0-9][a-z0-9.-]*$/, {
  message: "<namespace>/<name>",
});

const readyCheck = z.union([
  z.strictObject({ nodesReady: z.literal(true) }),
  z.strictObject({ daemonSet: qualifiedName }),
  z.strictObject({ deployment: qualifiedName }),
  z.strictObject({ apiService: z.string().min(1) }),
]).describe("one of nodesReady: true, daemonSet: <ns>/<name>, deployment: <ns>/<name>, apiService: <name>");

export const profileSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "a lowercase name (letters, digits, -)" }),
  description: z.string().min(1),
  default: z.boolean().default(false),
  k3s: z.strictObject({
    image: pinnedImage,
    args: z
      .array(z.string().min(1))
      .min(1)
      .refine((a) => a[0] === "server", { message: "the command replaces the module's own: it starts with server" }),
    readyLog: z.string().min(1),
    sharedRootMount: z.boolean(),
    startupTimeoutSeconds: z.number().int().min(10).max(1800),
  }),
  cni: z
    .strictObject({
      name: z.string().min(1),
      version: z.string().regex(VERSION, { message: "a version such as 3.33.1" }),
      versionEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: "an environment variable name" }),
      manifests: z.array(manifest).min(1),
      checksums: z.record(
        z.string().regex(VERSION, { message: "a version such as 3.33.1" }),
        z.record(z.string(), z.string().regex(SHA256, { message: "a sha256: 64 lowercase hex digits" })),
      ),
      serves: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  /** false for the negative control: nothing enforces NetworkPolicy there. */
  enforcesPolicy: z.boolean().default(true),
  ready: z.array(readyCheck).min(1),
});

export type ProfileData = z.output<typeof profileSchema>;
export type ManifestPatch = z.output<typeof patch>;
export type ReadyCheck = z.output<typeof readyCheck>;
export type PatchTarget = z.output<typeof objectRef>;

export const CNI_VERSION = VERSION;
export const SHA256_HEX = SHA256;
