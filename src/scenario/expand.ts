// Expansion of a validated scenario into the Plan: phases with their
// namespaces, workloads, manifests in force and cells with declared values.

import path from "node:path";
import { isNetworkPolicyV1 } from "../kube/network-policy.ts";
import { readNetworkPolicy } from "../kube/network-policy-validation.ts";
import { UserError, type Problem } from "../user-error.ts";
import { matrixLayout, type CellSpec, type MatrixLayout, type MatrixSlot } from "./cells.ts";
import { CLUSTER_DNS } from "./cluster-dns.ts";
import { DeclaredResolver, type Candidates, type DefaultValue } from "./declared.ts";
import { compileExpect } from "./expectations.ts";
import { checkManifest, manifestWarnings } from "./manifest-checks.ts";
import { asKubectlReadsIt } from "./kubectl-reading.ts";
import { loadManifestEntries, type LoadedManifest, type ManifestContext } from "./manifests.ts";
import { applyChanges, initialManifests } from "./manifests-in-force.ts";
import { buildModel, namespaceLabels, METADATA_NAME } from "./model.ts";
import { namespaceDeletions, namespacesFromManifests, namespacesInStep } from "./namespace-manifests.ts";
import type { Cell, Declared, Phase, Plan, PlannedNamespace, PlannedWorkload, ScenarioWarning } from "./plan.ts";
import { plannedIps } from "./planned-ips.ts";
import { renderManifest } from "./render.ts";
import type { Rule } from "./rules.ts";
import type { ScenarioInput, StepInput } from "./schema.ts";
import { selectorWarnings } from "./selector-warnings.ts";
import type { SourceFiles } from "./source-files.ts";
import { WorkloadIndex } from "./workload-index.ts";
import { formatPath, type Locator, type Path } from "./yaml-source.ts";

export interface ExpandOptions {
  readonly file: string;
  readonly locate: Locator;
  readonly files: SourceFiles;
}

interface PhaseState {
  readonly name: string;
  readonly description?: string;
  readonly namespaces: readonly PlannedNamespace[];
  readonly workloads: readonly PlannedWorkload[];
  readonly manifests: readonly LoadedManifest[];
  readonly rules: readonly Rule[];
  readonly default?: DefaultValue;
}

export function expandScenario(input: ScenarioInput, options: ExpandOptions): Plan {
  const { locate } = options;
  const manifestCtx: ManifestContext = { scenarioFile: options.file, locate, files: options.files };
  // Namespace documents declare namespaces, so the first manifests are read before the model is built.
  const initialLoaded = loadManifestEntries(input.manifests ?? [], ["manifests"], manifestCtx);
  const initialRead = initialLoaded.manifests.map(asKubectlReadsIt);
  const documented = namespacesFromManifests(initialRead.map((r) => r.manifest), input.namespaces, locate);
  const { model, problems } = buildModel(input, locate, documented.namespaces);
  append(problems, documented.problems);
  if (problems.length > 0) throw new UserError(unique(problems));

  const namespaceNames = model.namespaces.map((n) => n.name);
  const index = new WorkloadIndex(model.workloads, namespaceNames);
  const ips = plannedIps(index.managed().map((w) => w.id));
  const ruleCtx = { index, externals: model.externals };
  const warnings: ScenarioWarning[] = [];

  type Read = ReturnType<typeof asKubectlReadsIt>;
  const check = (loadProblems: readonly Problem[], read: readonly Read[]): LoadedManifest[] => {
    append(problems, loadProblems);
    return read.map(({ manifest: m, reread }) => {
      const found = checkManifest(m, { index, ips, namespaces: namespaceNames }, reread);
      append(problems, found);
      if (found.length === 0) append(warnings, manifestWarnings(m));
      return m;
    });
  };
  const load = (entries: Parameters<typeof loadManifestEntries>[0], base: Path): LoadedManifest[] => {
    const loaded = loadManifestEntries(entries, base, manifestCtx);
    return check(loaded.problems, loaded.manifests.map(asKubectlReadsIt));
  };
  const loadStep = (entries: Parameters<typeof loadManifestEntries>[0], base: Path): LoadedManifest[] => {
    const manifests = load(entries, base);
    append(problems, namespacesInStep(manifests));
    return manifests;
  };
  const expectations = (expect: ScenarioInput["expect"], base: Path, layer: number): { rules: Rule[]; default?: DefaultValue } => {
    const compiled = compileExpect(expect, base, layer, locate, ruleCtx);
    append(problems, compiled.problems);
    append(warnings, compiled.warnings);
    return compiled.default ? { rules: compiled.rules, default: compiled.default } : { rules: compiled.rules };
  };

  const initial = initialManifests(check(initialLoaded.problems, initialRead));
  append(problems, initial.problems);
  const first = expectations(input.expect, ["expect"], 0);
  const states: PhaseState[] = [
    {
      name: "initial",
      namespaces: model.namespaces,
      workloads: model.workloads,
      manifests: initial.inForce,
      rules: first.rules,
      ...(first.default ? { default: first.default } : {}),
    },
  ];

  const stepNames = new Set(["initial"]);
  (input.steps ?? []).forEach((step, s) => {
    const base: Path = ["steps", s];
    const before = states[states.length - 1];
    if (!before) return;
    if (stepNames.has(step.name)) {
      problems.push({ ...locate.at([...base, "name"]), field: formatPath([...base, "name"]), message: `duplicate step name "${step.name}"`, hint: '"initial" is the name of the first phase' });
    }
    stepNames.add(step.name);
    const namespaces = relabelNamespaces(before.namespaces, step, base, locate, problems);
    const workloads = relabelWorkloads(before.workloads, step, base, locate, index, problems);
    append(problems, namespaceDeletions(step.manifests?.delete ?? [], [...base, "manifests", "delete"], before.manifests, locate));
    const changes = applyChanges(
      before.manifests,
      {
        add: loadStep(step.manifests?.add ?? [], [...base, "manifests", "add"]),
        replace: loadStep(step.manifests?.replace ?? [], [...base, "manifests", "replace"]),
        delete: (step.manifests?.delete ?? []).map((id, i) => ({ id, path: [...base, "manifests", "delete", i] })),
      },
      locate,
    );
    append(problems, changes.problems);
    const own = expectations(step.expect, [...base, "expect"], s + 1);
    const fallback = own.default ?? before.default;
    states.push({
      name: step.name,
      ...(step.description !== undefined ? { description: step.description } : {}),
      namespaces,
      workloads,
      manifests: changes.inForce,
      rules: [...before.rules, ...own.rules],
      ...(fallback ? { default: fallback } : {}),
    });
  });
  if (problems.length > 0) throw new UserError(unique(problems));

  const matrix = matrixLayout(model.workloads);
  const phases: Phase[] = [];
  for (const state of states) {
    const extras = extraCells(matrix, state.rules, problems);
    const resolver = new DeclaredResolver(state.rules, state.default);
    const cells: Cell[] = new Array<Cell>(matrix.count + extras.length);
    // Per (target, port) slot: the rules that can decide its cells.
    const bySlot = matrix.slots.map((slot) => resolver.candidates(slot));
    const oracle: Declared = { kind: "oracle" };
    const { source, slot, sources, slots } = matrix;
    for (let i = 0; i < matrix.count; i++) {
      const s = slots[slot[i] ?? 0] as MatrixSlot;
      const from = sources[source[i] ?? 0] ?? "";
      const key = matrix.key(i);
      const candidates = bySlot[slot[i] ?? 0] as Candidates;
      const declared = candidates.rules.length === 0 ? resolver.fallback : (resolver.resolveFor(key, from, candidates, true) ?? oracle);
      cells[i] = { key, from, to: s.to, port: s.port, protocol: s.protocol, kind: s.kind, declared };
    }
    extras.forEach((c, i) => {
      cells[matrix.count + i] = { ...c, declared: resolver.resolve(c, resolver.candidates(c), false) ?? oracle };
    });
    const conflicts = resolver.conflicts();
    append(problems, conflicts.filter((c) => !problems.some((p) => p.message === c.message)));
    append(warnings, policyWarnings(state, ips, state.name));
    phases.push({
      name: state.name,
      ...(state.description !== undefined ? { description: state.description } : {}),
      namespaces: state.namespaces,
      workloads: state.workloads,
      manifests: state.manifests.map((m) => ({ id: m.id, origin: m.origin, object: m.object })),
      cells,
    });
  }
  if (problems.length > 0) throw new UserError(unique(problems));

  return {
    scenario: {
      name: input.name ?? path.basename(options.file).replace(/\.ya?ml$/, ""),
      description: input.description,
      file: options.file,
      ...(input.mistake !== undefined ? { demonstratesMistake: input.mistake } : {}),
    },
    phases,
    plannedIps: ips,
    clusterDns: CLUSTER_DNS.id,
    warnings: dedupe(warnings),
  };
}

/**
 * The cells rules name that are not in the matrix (DNS, externals, Services,
 * HTTP, named and unserved ports), in the order first named; HTTP statuses
 * must agree. Matrix cells are recognised by their shape, so no key of the
 * matrix is ever looked up.
 */
function extraCells(matrix: MatrixLayout, rules: readonly Rule[], problems: Problem[]): CellSpec[] {
  const cells = new Map<string, { cell: CellSpec; rule?: Rule }>();
  for (const rule of rules) {
    for (const named of rule.names) {
      if (matrix.has(named)) continue;
      const seen = cells.get(named.key);
      if (!seen) {
        cells.set(named.key, { cell: named, rule });
        continue;
      }
      const status = named.http?.status;
      const earlier = seen.cell.http?.status;
      if (status === undefined || status === earlier) continue;
      if (earlier !== undefined && seen.rule && seen.rule.layer === rule.layer) {
        const message = `"${rule.text}" expects HTTP ${status} but "${seen.rule.text}" (line ${seen.rule.at.line}) expects ${earlier} for ${named.key}`;
        if (!problems.some((p) => p.message === message)) problems.push({ ...rule.at, field: "expect", message });
        continue;
      }
      cells.set(named.key, { cell: named, rule });
    }
  }
  return [...cells.values()].map((v) => v.cell);
}

function relabelNamespaces(before: readonly PlannedNamespace[], step: StepInput, base: Path, locate: Locator, problems: Problem[]): PlannedNamespace[] {
  const next = [...before];
  for (const [name, change] of Object.entries(step.namespaces ?? {})) {
    const path = [...base, "namespaces", name];
    const i = next.findIndex((n) => n.name === name && n.managed);
    const current = next[i];
    if (!current) {
      problems.push({ ...locate.at(path, { key: true }), field: formatPath(path), message: `namespace "${name}" is not declared in the scenario` });
      continue;
    }
    const labels = namespaceLabels(name, change.labels, (message) =>
      problems.push({ ...locate.at([...path, "labels", METADATA_NAME]), field: formatPath([...path, "labels", METADATA_NAME]), message }),
    );
    next[i] = { ...current, labels };
  }
  return next;
}

function relabelWorkloads(
  before: readonly PlannedWorkload[],
  step: StepInput,
  base: Path,
  locate: Locator,
  index: WorkloadIndex,
  problems: Problem[],
): PlannedWorkload[] {
  const next = [...before];
  for (const [ref, change] of Object.entries(step.workloads ?? {})) {
    const path = [...base, "workloads", ref];
    const resolved = index.resolve(ref);
    const i = resolved.ok ? next.findIndex((w) => w.id === resolved.value.id && w.managed) : -1;
    const current = next[i];
    if (!resolved.ok || !current) {
      const message = resolved.ok ? `${ref} is not created by netproof; its labels cannot change` : resolved.message;
      const hint = resolved.ok ? undefined : resolved.hint;
      problems.push({ ...locate.at(path, { key: true }), field: formatPath(path), message, ...(hint ? { hint } : {}) });
      continue;
    }
    next[i] = { ...current, labels: change.labels };
  }
  return next;
}

function policyWarnings(state: PhaseState, ips: Readonly<Record<string, string>>, phase: string): ScenarioWarning[] {
  const suffix = phase === "initial" ? "" : ` (in phase ${phase})`;
  return state.manifests
    .filter((m) => isNetworkPolicyV1(m.object))
    .flatMap((m) =>
      // Validated at load time, so reading it cannot fail.
      selectorWarnings(readNetworkPolicy(renderManifest(m.object, ips)), m.locate, m.fieldPrefix, state).map((w) => ({ ...w, message: w.message + suffix })),
    );
}

/** `push(...items)` without its argument limit: a huge bad input can yield 100,000s of problems. */
function append<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}

/** The same problem found twice (a bad row name, once per column) is reported once. */
function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A warning that holds in every phase is reported once, without the phase. */
function dedupe(warnings: readonly ScenarioWarning[]): ScenarioWarning[] {
  const seen = new Set<string>();
  const out: ScenarioWarning[] = [];
  for (const w of warnings) {
    const plain = w.message.replace(/ \(in phase [^)]*\)$/, "");
    const key = `${w.at.file}:${w.at.line}:${w.field}:${plain}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(w);
  }
  return out;
}
