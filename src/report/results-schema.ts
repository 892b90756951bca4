// The results document (results.ts) as a zod schema: `netproof diff` and
// `--baseline` check every file they read with it (a file from another
// version or a hand edit gets a message naming the field), and
// docs/results.schema.json is generated from it (a test fails on drift).
import { z } from "zod";
import { RESULTS_FORMAT } from "./results.ts";

const reach = z.enum(["allow", "deny"]);
const ruleRef = z.strictObject({ policy: z.string(), rule: z.number().int(), peer: z.number().int().optional() });
const direction = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("not-isolated") }),
  z.strictObject({ kind: z.literal("not-applicable") }),
  z.strictObject({ kind: z.literal("allowed"), isolatedBy: z.array(z.string()), allowedBy: ruleRef }),
  z.strictObject({ kind: z.literal("denied"), isolatedBy: z.array(z.string()) }),
]);
const target = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("workload"), workload: z.string() }),
  z.strictObject({ kind: z.literal("service"), workload: z.string() }),
  z.strictObject({ kind: z.literal("external"), address: z.string(), host: z.string().optional() }),
  z.strictObject({ kind: z.literal("dns"), name: z.string() }),
]);
export const verdictKind = z.enum(["pass", "late", "expectation-mismatch", "invalid", "cni-mismatch", "flaky", "infra-error", "inconclusive"]);
const verdictDetail = z.union([
  z.strictObject({ kind: z.literal("pass") }),
  z.strictObject({ kind: z.literal("expectation-mismatch"), declared: reach, predicted: reach }),
  z.strictObject({ kind: z.literal("expectation-mismatch"), detail: z.string() }),
  z.strictObject({ kind: z.literal("invalid"), reason: z.string() }),
  z.strictObject({ kind: z.literal("cni-mismatch"), expected: reach, observed: reach }),
  z.strictObject({ kind: z.literal("flaky") }),
  z.strictObject({ kind: z.literal("late"), observed: reach, latencyMs: z.number().nullable() }),
  z.strictObject({ kind: z.literal("infra-error"), detail: z.string() }),
  z.strictObject({ kind: z.literal("inconclusive"), detail: z.string() }),
]);
const at = z.strictObject({ file: z.string(), line: z.number().int() });

export const resultCellSchema = z.strictObject({
  key: z.string(),
  from: z.string(),
  to: target,
  port: z.union([z.number().int(), z.string()]),
  protocol: z.string(),
  probe: z.enum(["tcp", "udp", "sctp", "http", "dns"]),
  http: z.strictObject({ method: z.string(), path: z.string(), status: z.number().int().optional() }).nullable(),
  declared: z.enum(["allow", "deny", "oracle"]),
  declaredAt: at.nullable(),
  predicted: z.enum(["allow", "deny", "invalid"]),
  reason: z.string(),
  nearMisses: z.array(z.string()),
  egress: direction.nullable(),
  ingress: direction.nullable(),
  observed: z
    .strictObject({
      reach: z.enum(["allow", "deny", "unknown"]),
      outcome: z.string(),
      detail: z.string().nullable(),
      stability: z.string(),
      samples: z.array(z.string()),
      settledAfterMs: z.number().nullable(),
    })
    .nullable(),
  verdict: verdictKind,
  verdictDetail,
  address: z.strictObject({ host: z.string(), port: z.number().int() }).nullable(),
  reproduce: z.string().nullable(),
});

export const resultsSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  mode: z.enum(["plan", "live"]),
  netproof: z.strictObject({ version: z.string() }),
  scenario: z.strictObject({ name: z.string(), description: z.string(), file: z.string(), mistake: z.string().nullable() }),
  workloads: z.array(z.strictObject({ id: z.string(), label: z.string(), managed: z.boolean() })),
  externals: z.array(z.strictObject({ name: z.string().nullable(), address: z.string(), served: z.boolean().nullable() })),
  warnings: z.array(z.strictObject({ file: z.string(), line: z.number().int(), field: z.string(), message: z.string() })),
  cluster: z
    .strictObject({
      description: z.string(),
      profile: z.string().nullable(),
      cni: z.strictObject({ name: z.string().nullable(), version: z.string().nullable() }),
      kubernetesVersion: z.string().nullable(),
    })
    .nullable(),
  phases: z.array(
    z.strictObject({
      name: z.string(),
      rounds: z.number().int().nullable(),
      execs: z.number().int().nullable(),
      cells: z.array(resultCellSchema),
    }),
  ),
  summary: z.strictObject({
    cells: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    infraErrors: z.number().int(),
    inconclusive: z.number().int(),
    undeclared: z.number().int(),
    byVerdict: z.partialRecord(verdictKind, z.number().int()),
  }),
  coverage: z.strictObject({
    rules: z.array(
      z.strictObject({
        policy: z.string(),
        direction: z.enum(["ingress", "egress"]),
        rule: z.number().int(),
        peer: z.number().int().nullable(),
        cells: z.number().int(),
        examples: z.array(z.string()),
      }),
    ),
    unexercised: z.array(z.string()),
  }),
  timings: z.strictObject({ realiseMs: z.number(), probeMs: z.number(), cleanupMs: z.number() }).nullable(),
  outcome: z.enum(["pass", "failures", "infra-error"]),
  ok: z.boolean(),
});

export const RESULTS_LIST_FORMAT = "netproof.results-list/v2";
export const resultsListSchema = z.strictObject({ format: z.literal(RESULTS_LIST_FORMAT), runs: z.array(resultsSchema) });

export function resultsJsonSchema(): unknown {
  return z.toJSONSchema(z.union([resultsSchema, resultsListSchema]), { io: "output" });
}
