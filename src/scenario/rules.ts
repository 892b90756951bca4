// Statements (and matrix tables) compiled into rules: which cells a rule
// covers, which cells it names, and how specific it is.

import { dnsCell, makeCell, probeKindOf, type CellSpec } from "./cells.ts";
import type { Protocol } from "../kube/protocol.ts";
import type { HttpCheck, ProbeKind, ScenarioWarning, SourceRef, Target } from "./plan.ts";
import { describePort } from "./ports.ts";
import { parseStatement, STATEMENT_GRAMMAR, type ProtoSyntax, type StatementSyntax } from "./statement.ts";
import { didYouMeanHint } from "./suggest.ts";
import type { Specificity, WorkloadIndex } from "./workload-index.ts";

export type DeclaredValue = "allow" | "deny" | "oracle";

export type RuleTarget =
  | { readonly kind: "workload" | "service"; readonly ids: ReadonlySet<string> }
  | { readonly kind: "dns"; readonly name: string }
  | { readonly kind: "external"; readonly address: string };

export interface RulePort {
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly kind: ProbeKind;
  readonly http?: HttpCheck;
}

export interface Rule {
  /** The phase that wrote it: later phases override earlier ones. */
  readonly layer: number;
  readonly text: string;
  readonly at: SourceRef;
  readonly value: DeclaredValue;
  readonly from: ReadonlySet<string>;
  readonly target: RuleTarget;
  /** Absent: every port of the target. */
  readonly port?: RulePort;
  /** from, target, port: compared side by side for precedence. */
  readonly specificity: readonly [Specificity, Specificity, 0 | 1];
  /** The cells the rule names, added to the plan when they are not in the matrix. */
  readonly names: readonly CellSpec[];
}

export interface RuleContext {
  readonly index: WorkloadIndex;
  readonly externals: ReadonlyMap<string, string>;
}

export type Compiled = { ok: true; rule: Rule; warnings: Omit<ScenarioWarning, "at" | "field">[] } | { ok: false; message: string; hint?: string };

export function compileStatement(text: string, value: "allow" | "deny", layer: number, at: SourceRef, ctx: RuleContext): Compiled {
  const parsed = parseStatement(text);
  if (!parsed.ok) return { ok: false, message: parsed.message, hint: STATEMENT_GRAMMAR };
  return compileSyntax(parsed.statement, text, value, layer, at, ctx);
}

export function compileSyntax(
  s: StatementSyntax,
  text: string,
  value: DeclaredValue,
  layer: number,
  at: SourceRef,
  ctx: RuleContext,
): Compiled {
  const from = ctx.index.resolvePattern(s.from);
  if (!from.ok) return from;
  const unmanaged = from.value.ids.find((id) => !ctx.index.get(id)?.managed);
  if (unmanaged) return { ok: false, message: `${unmanaged} is not created by netproof, so it cannot be a source` };

  const target = resolveTarget(s, ctx);
  if (!target.ok) return target;
  const { ruleTarget, specificity, workloads, external } = target;

  if (s.from.kind === "workload" && ruleTarget.kind === "workload" && specificity === 2 && from.value.ids[0] === workloads[0]) {
    return { ok: false, message: `${from.value.ids[0]} to itself is not probed (hairpin traffic is not part of the matrix)` };
  }

  const warnings: { message: string }[] = [];
  const names: CellSpec[] = [];
  let port: RulePort | undefined;
  if (s.port !== undefined) {
    const resolved = resolvePort(s, workloads, specificity, ctx);
    if (!resolved.ok) return resolved;
    port = resolved.port;
    warnings.push(...resolved.warnings.map((message) => ({ message })));
    for (const f of from.value.ids) {
      for (const t of ruleTarget.kind === "workload" || ruleTarget.kind === "service" ? resolved.serving : [undefined]) {
        if (ruleTarget.kind === "workload" && t === f) continue;
        const to = cellTarget(ruleTarget, t, external);
        names.push(makeCell(f, to, port.port, port.protocol, port.kind, port.http));
      }
    }
  } else {
    for (const f of from.value.ids) {
      if (ruleTarget.kind === "dns") names.push(dnsCell(f, ruleTarget.name));
      for (const t of ruleTarget.kind === "workload" || ruleTarget.kind === "service" ? workloads : []) {
        if (ruleTarget.kind === "workload" && t === f) continue;
        for (const p of ctx.index.get(t)?.ports ?? []) {
          names.push(makeCell(f, cellTarget(ruleTarget, t, external), p.port, p.protocol, probeKindOf(p.protocol)));
        }
      }
    }
  }
  if (names.length === 0) {
    warnings.push({ message: `"${text}" names no cell` });
  }
  const rule: Rule = {
    layer,
    text,
    at,
    value,
    from: new Set(from.value.ids),
    target: ruleTarget,
    ...(port ? { port } : {}),
    specificity: [from.value.specificity, specificity, port ? 1 : 0],
    names,
  };
  return { ok: true, rule, warnings };
}

type ResolvedTarget =
  | { ok: true; ruleTarget: RuleTarget; specificity: Specificity; workloads: string[]; external?: { address: string; host?: string } }
  | { ok: false; message: string; hint?: string };

function resolveTarget(s: StatementSyntax, ctx: RuleContext): ResolvedTarget {
  switch (s.target.kind) {
    case "workloads": {
      const r = ctx.index.resolvePattern(s.target.pattern);
      if (!r.ok) return r;
      return { ok: true, ruleTarget: { kind: "workload", ids: new Set(r.value.ids) }, specificity: r.value.specificity, workloads: r.value.ids };
    }
    case "service": {
      const r = ctx.index.resolve(s.target.ref);
      if (!r.ok) return r;
      return { ok: true, ruleTarget: { kind: "service", ids: new Set([r.value.id]) }, specificity: 2, workloads: [r.value.id] };
    }
    case "dns":
      return { ok: true, ruleTarget: { kind: "dns", name: s.target.name }, specificity: 2, workloads: [] };
    case "external-name": {
      const address = ctx.externals.get(s.target.name);
      if (address === undefined) {
        const names = [...ctx.externals.keys()];
        const hint = didYouMeanHint(s.target.name, names) ?? `declare it under externals: (declared: ${names.join(", ") || "none"})`;
        return { ok: false, message: `unknown external "${s.target.name}"`, hint };
      }
      return { ok: true, ruleTarget: { kind: "external", address }, specificity: 2, workloads: [], external: { address, host: s.target.name } };
    }
    case "address": {
      const address = s.target.address;
      const host = [...ctx.externals].find(([, a]) => a === address)?.[0];
      return { ok: true, ruleTarget: { kind: "external", address }, specificity: 2, workloads: [], external: host ? { address, host } : { address } };
    }
  }
}

function cellTarget(target: RuleTarget, workload: string | undefined, external: { address: string; host?: string } | undefined): Target {
  switch (target.kind) {
    case "workload":
    case "service":
      return { kind: target.kind, workload: workload ?? "" };
    case "dns":
      return { kind: "dns", name: target.name };
    case "external":
      return external?.host ? { kind: "external", address: target.address, host: external.host } : { kind: "external", address: target.address };
  }
}

type ResolvedPort = { ok: true; port: RulePort; serving: string[]; warnings: string[] } | { ok: false; message: string; hint?: string };

/**
 * The port of a statement, and the targets that serve it. Without a written
 * protocol a named port takes the protocol of the port it names.
 */
function resolvePort(s: StatementSyntax, workloads: readonly string[], specificity: Specificity, ctx: RuleContext): ResolvedPort {
  const port = s.port ?? 0;
  const targets = workloads.map((id) => ctx.index.get(id)).filter((w) => w !== undefined);
  let protocol = protocolOf(s.proto);
  if (typeof port === "string" && s.proto === undefined) {
    const named = targets.flatMap((w) => w.ports.filter((p) => p.name === port));
    const protocols = new Set(named.map((p) => p.protocol));
    const [only] = protocols;
    if (only !== undefined && protocols.size === 1) protocol = only;
  }
  const kind: ProbeKind = s.proto === "http" ? "http" : probeKindOf(protocol);
  const rulePort: RulePort = s.http ? { port, protocol, kind, http: s.http } : { port, protocol, kind };
  const external = s.target.kind === "external-name" || s.target.kind === "address" || s.target.kind === "dns";
  if (external) return { ok: true, port: rulePort, serving: [], warnings: [] };

  const serves = (id: string): boolean =>
    (ctx.index.get(id)?.ports ?? []).some((p) => (typeof port === "string" ? p.name === port : p.port === port) && p.protocol === protocol);
  const serving = workloads.filter(serves);
  const shown = typeof port === "string" ? `named port "${port}"` : `${port}/${protocol}`;
  if (specificity === 2) {
    const [only] = targets;
    if (serving.length > 0 || !only) return { ok: true, port: rulePort, serving, warnings: [] };
    const list = `its ports: ${only.ports.map(describePort).join(", ") || "none"}`;
    if (typeof port === "string") return { ok: false, message: `${only.id} has no ${shown}/${protocol}`, hint: list };
    // A probe of an unserved port is legitimate (the policy may allow what nothing answers), but usually a typo.
    return { ok: true, port: rulePort, serving: [only.id], warnings: [`${only.id} does not serve ${shown} (${list})`] };
  }
  if (serving.length === 0) return { ok: false, message: `no workload of the target group serves ${shown}` };
  return { ok: true, port: rulePort, serving, warnings: [] };
}

function protocolOf(proto: ProtoSyntax | undefined): Protocol {
  switch (proto) {
    case undefined:
    case "tcp":
    case "http":
      return "TCP";
    case "udp":
      return "UDP";
    case "sctp":
      return "SCTP";
  }
}

/** Whether a rule decides a cell. A rule without a port covers every cell to its target. */
export function covers(rule: Rule, cell: CellSpec): boolean {
  if (!rule.from.has(cell.from)) return false;
  const t = rule.target;
  const to = cell.to;
  switch (t.kind) {
    case "workload":
    case "service":
      if (to.kind !== t.kind || !t.ids.has(to.workload)) return false;
      break;
    case "dns":
      if (to.kind !== "dns" || to.name !== t.name) return false;
      break;
    case "external":
      if (to.kind !== "external" || to.address !== t.address) return false;
      break;
  }
  const p = rule.port;
  if (p === undefined) return true;
  if (p.port !== cell.port || p.protocol !== cell.protocol || p.kind !== cell.kind) return false;
  return p.kind !== "http" || (p.http?.method === cell.http?.method && p.http?.path === cell.http?.path);
}
