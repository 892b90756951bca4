// The scenario file format, as one zod schema. Shape checks live here (so the
// JSON Schema for editors shows them); checks that need the whole scenario
// (does this workload exist?) live in the expansion.

import { z } from "zod";
import { canonicalIp } from "../kube/cidr.ts";
import { DNS1123_LABEL_FMT } from "../kube/names.ts";
import { isPortNumber } from "../kube/ports.ts";
import { dnsLabel, labelsSchema, portName, portNumber, refuseProtoKey } from "./k8s-names.ts";

const SHORT_PORT = /^[0-9]+(\/(tcp|udp|sctp|TCP|UDP|SCTP))?$/;

const shortPort = z
  .string()
  .regex(SHORT_PORT, { error: 'a port is "<port>/<protocol>" with protocol tcp, udp or sctp, e.g. "80/tcp", or a number' })
  .refine((s) => isPortNumber(Number(s.split("/")[0])), { error: "a port is a number from 1 to 65535" });

const longPort = z.strictObject({
  port: portNumber,
  protocol: z.enum(["TCP", "UDP", "SCTP", "tcp", "udp", "sctp"], { error: "protocol is TCP, UDP or SCTP" }).optional().describe("default TCP"),
  name: portName.optional().describe("a named port, usable in policies and statements (e.g. http)"),
});

export const portSpecSchema = z
  .union([portNumber, shortPort, longPort])
  .describe('a served port: 80, "80/tcp", "53/udp", or { port, protocol, name }');

const WORKLOAD_REF = new RegExp(`^${DNS1123_LABEL_FMT}/${DNS1123_LABEL_FMT}$`);
const workloadKey = z
  .string()
  .regex(WORKLOAD_REF, { error: 'a workload key is "<namespace>/<name>", e.g. shop/web' });
const workloadRefKey = z
  .string()
  .regex(new RegExp(`^(${DNS1123_LABEL_FMT}/)?${DNS1123_LABEL_FMT}$`), {
    error: 'a workload is "<namespace>/<name>" or a unique short name',
  });

const namespaceSpec = z
  .strictObject({ labels: labelsSchema.optional().describe("kubernetes.io/metadata.name is added automatically") })
  .nullable();

const workloadSpec = z.strictObject({
  labels: labelsSchema.optional().describe("pod labels, matched by policy podSelectors"),
  ports: z.array(portSpecSchema).optional().describe("ports the workload's server listens on"),
});

const kubeDocument = z.record(z.string(), z.unknown()).describe("a Kubernetes object (apiVersion, kind, metadata, ...)");

export const manifestEntrySchema = z
  .union([
    z.string().min(1).describe("a YAML file relative to the scenario file; may hold several documents"),
    z.strictObject({ inline: z.union([kubeDocument, z.array(kubeDocument).min(1)]) }),
  ])
  .describe("a manifest file path, or { inline: <document or list of documents> }");

const statement = z
  .string()
  .min(1)
  .describe(
    "<from> -> <target>[:<port>][/<proto>] [<METHOD> <path> [<status>]]; target: workload, group (*, ns/*), service:<workload>, dns:<name>, external:<name>, IPv4 or [IPv6]",
  );

export const expectSchema = z.strictObject({
  default: z
    .enum(["deny", "allow", "as-predicted"])
    .optional()
    .describe("for every matrix cell no statement covers; default as-predicted"),
  allow: z.array(statement).optional(),
  deny: z.array(statement).optional(),
  matrix: z
    .array(
      z.strictObject({
        port: z.union([portNumber, z.string().min(1)]).describe('the port of this table, e.g. "8080/tcp"'),
        table: z.string().min(1).describe("header row of targets, then one row per source: . allowed, X denied, ? as predicted"),
      }),
    )
    .optional(),
});

const manifestChanges = z.strictObject({
  add: z.array(manifestEntrySchema).optional(),
  replace: z.array(manifestEntrySchema).optional().describe("documents with the kind/namespace/name of one in force"),
  delete: z.array(z.string().min(1)).optional().describe("<kind>/<namespace>/<name>, or <kind>/<name> for cluster-scoped kinds"),
});

export const stepSchema = z.strictObject({
  name: dnsLabel("a step name"),
  description: z.string().optional(),
  namespaces: z
    .record(dnsLabel("a namespace name"), z.strictObject({ labels: labelsSchema }))
    .optional()
    .describe("replace the labels of declared namespaces"),
  workloads: z
    .record(workloadRefKey, z.strictObject({ labels: labelsSchema }))
    .optional()
    .describe("replace the labels of declared workloads"),
  manifests: manifestChanges.optional(),
  expect: expectSchema.optional(),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: dnsLabel("a scenario name").optional().describe("defaults to the file name"),
    description: z
      .string({ error: "description is required: one sentence saying what the scenario shows" })
      .min(1)
      .describe("one sentence: what the scenario shows"),
    mistake: z.string().min(1).optional().describe("set when the scenario shows a mistake on purpose: what the mistake is"),
    externals: refuseProtoKey(
      z.record(
        dnsLabel("an external name"),
        z.string().refine((s) => canonicalIp(s) !== undefined, { error: "an external is one IPv4 or IPv6 address" }),
      ),
      "an external name is a DNS label",
    )
      .optional()
      .describe("named addresses outside the cluster"),
    namespaces: refuseProtoKey(z.record(dnsLabel("a namespace name"), namespaceSpec), "a namespace name is a DNS label"),
    workloads: refuseProtoKey(z.record(workloadKey, workloadSpec), 'a workload key is "<namespace>/<name>"'),
    manifests: z.array(manifestEntrySchema).optional().describe("applied in order"),
    expect: expectSchema.optional(),
    steps: z.array(stepSchema).optional().describe("later phases; each builds on the previous one"),
  })
  .describe("A netproof scenario: workloads, manifests and the expected reachability.");

export type ScenarioInput = z.output<typeof scenarioSchema>;
export type StepInput = z.output<typeof stepSchema>;
export type ExpectInput = z.output<typeof expectSchema>;
export type ManifestEntryInput = z.output<typeof manifestEntrySchema>;
export type PortSpecInput = z.output<typeof portSpecSchema>;
