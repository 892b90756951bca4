// Mutated scenario files for the fuzz test, from a seeded PRNG so every run
// tries the same inputs: truncations, byte flips, type swaps, deep nesting,
// huge numbers, weird unicode, alias tricks, files that are no regular files,
// and known crashers. Pure: it returns texts; the test writes them.

import { parse, stringify } from "yaml";

export interface FuzzCase {
  readonly name: string;
  /** The scenario text, written beside the library's `policies/`. */
  readonly scenario: string;
  /** Extra files next to it (a mutated manifest). */
  readonly files: Readonly<Record<string, string>>;
  readonly args: readonly string[];
}

/** mulberry32: small, fast and good enough to pick mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const int = (r: Rand, max: number): number => Math.floor(r() * max);

const WEIRD = ["\u0000", "\u001b[2J", "\u001b]0;title\u0007", "\u202e", "\ud800", "\ufeff", "é", "🙂", "\r", "\u2028", "\u0085", "\t", "\u00a0", "ǅ", "\u0301"];
const SYNTAX = [":", "-", "[", "]", "{", "}", '"', "'", "&", "*", "!", "|", ">", "%", "@", "`", "#", "?", ",", "\n", " ", "\n  ", "---\n", "...\n"];
const HUGE = ["1e400", "-1e400", "99999999999999999999999", "0x10", "0o17", "-0", "1_000", ".inf", ".nan", "65535.5", "-1", "0", "65536", "4294967297", "1e-400"];
const VALUES: unknown[] = [
  0, -1, 65536, 1.5, Number.MAX_SAFE_INTEGER, "", "constructor", "__proto__", "toString", "hasOwnProperty", [], {}, null, true, false,
  "x".repeat(5000), JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "x"}'), "::ffff:10.42.1.1/128", "{{ ip nobody }}", "{{ ip }}", "\u202e", "*", "a -> b",
  ["constructor"], { key: "constructor", operator: "Exists" }, "0.0.0.0/0", "::/0", "10.0.0.0/33", "not/a/cidr", "🙂",
];
const ALIAS_TRICKS = [
  "description: *undefined\n",
  "x: &a [*a]\n",
  "x: &a { b: *a }\n",
  "x: &a 1\ny: { <<: *a }\n",
  "? &k [a]\n: 1\n",
  ["a: &a [x,x,x,x,x,x,x,x,x]", "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]", "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]", "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]", "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]"].join("\n") + "\n",
  "workloads: &w {}\nsteps: [{ name: s, workloads: *w }]\n",
];

function truncate(r: Rand, text: string): string {
  return text.slice(0, int(r, text.length));
}

function flip(r: Rand, text: string): string {
  let out = text;
  for (let n = 1 + int(r, 5); n > 0; n--) {
    const at = int(r, out.length);
    out = out.slice(0, at) + pick(r, r() < 0.5 ? SYNTAX : WEIRD) + out.slice(at + 1);
  }
  return out;
}

function insertWeird(r: Rand, text: string): string {
  let out = text;
  for (let n = 1 + int(r, 4); n > 0; n--) {
    // Inside a value or key, where it survives parsing and reaches messages and reports.
    const lines = out.split("\n");
    const i = int(r, lines.length);
    const line = lines[i] ?? "";
    const at = line.indexOf(":") + 1 + int(r, Math.max(1, line.length));
    lines[i] = line.slice(0, at) + pick(r, WEIRD) + line.slice(at);
    out = lines.join("\n");
  }
  return out;
}

function hugeNumbers(r: Rand, text: string): string {
  return text.replace(/\b\d+\b/g, (m) => (r() < 0.3 ? pick(r, HUGE) : m));
}

function deepNest(r: Rand, text: string): string {
  const depth = pick(r, [20, 63, 65, 200, 3000]);
  const nested = r() < 0.5 ? "[".repeat(depth) + "]".repeat(depth) : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
  const lines = text.split("\n");
  const i = int(r, lines.length);
  lines[i] = (lines[i] ?? "").replace(/:\s.*$/, `: ${nested}`);
  return lines.join("\n");
}

function aliasTrick(r: Rand, text: string): string {
  return r() < 0.5 ? pick(r, ALIAS_TRICKS) + text : text + "\n" + pick(r, ALIAS_TRICKS);
}

// Replace one value somewhere in the parsed document and write it back.
function typeSwap(r: Rand, text: string): string {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return text;
  }
  if (value === null || typeof value !== "object") return text;
  const holders: Array<{ holder: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((v, i) => (holders.push({ holder: node, key: i }), walk(v)));
    else if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) holders.push({ holder: node as Record<string, unknown>, key: k }), walk(v);
  };
  walk(value);
  for (let n = 1 + int(r, 3); n > 0 && holders.length > 0; n--) {
    const { holder, key } = pick(r, holders);
    const replacement = structuredClone(pick(r, VALUES));
    if (Array.isArray(holder)) holder[key as number] = replacement;
    else if (r() < 0.2) {
      // Rename the key instead: prototype names, empty, odd characters.
      const name = pick(r, ["constructor", "__proto__", "", "toString", "a b", "ns/", "\u202e"]);
      Object.defineProperty(holder, name, { value: holder[key as string], enumerable: true, configurable: true, writable: true });
      delete holder[key as string];
    } else holder[key as string] = replacement;
  }
  return stringify(value, { aliasDuplicateObjects: false });
}

const TEXT_MUTATORS: Array<[string, (r: Rand, text: string) => string]> = [
  ["truncate", truncate],
  ["flip", flip],
  ["unicode", insertWeird],
  ["numbers", hugeNumbers],
  ["nesting", deepNest],
  ["aliases", aliasTrick],
  ["types", typeSwap],
  ["types", typeSwap],
];

/** Manifest entries that are no regular file (the test creates them). */
export const SPECIAL_ENTRIES = ["fifo.yaml", "/dev/zero", "loop.yaml", "empty-dir", "missing.yaml", "big.yaml", "policies", "dangling.yaml", "/dev/null", "."];

const CIDRS = ["::ffff:10.42.1.1/128", "::ffff:10.42.1.0/120", "::ffff:0:0/96", "::ffff:10.42.1.1/32", "10.42.1.1/128", "::ffff:203.0.113.1/128", "0.0.0.0/0"];

function cidrScenario(r: Rand, base: string): string {
  const cidr = pick(r, CIDRS);
  const except = r() < 0.5 ? `, except: ["${pick(r, CIDRS)}"]` : "";
  const policy = `  - inline: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: fuzz-cidr, namespace: shop }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "${cidr}"${except} } }] }], egress: [{ to: [{ ipBlock: { cidr: "${cidr}" } }] }] } }`;
  return base.replace(/^manifests:\n/m, `manifests:\n${policy}\n`);
}

function args(r: Rand, file: string): string[] {
  const out = ["scenario", file, "--plan"];
  if (r() < 0.3) out.push("--format", "json");
  if (r() < 0.2) out.push("--verbose");
  return out;
}

/**
 * `count` cases from the library's scenario texts (by name) and manifest texts.
 * `three-tier` must be among the scenarios: file and CIDR cases build on it.
 */
export function fuzzCases(seed: number, count: number, scenarios: Readonly<Record<string, string>>, manifests: readonly string[]): FuzzCase[] {
  const r = prng(seed);
  const names = Object.keys(scenarios).sort();
  const threeTier = scenarios["three-tier"];
  if (threeTier === undefined) throw new Error("fuzzCases needs the three-tier scenario");
  // Every file that is no regular file once, the known CIDR crasher, and control characters in free text.
  const cases: FuzzCase[] = SPECIAL_ENTRIES.map((entry, i) => ({
    name: `fixed-${i}.yaml: manifest entry ${entry}`,
    scenario: threeTier.replace(/^manifests:\n/m, `manifests:\n  - ${entry}\n`),
    files: {},
    args: ["scenario", `fixed-${i}.yaml`, "--plan"],
  }));
  cases.push({
    name: "fixed-cidr.yaml: ipBlock CIDRs ::ffff:10.42.1.1/128",
    scenario: threeTier.replace(
      /^manifests:\n/m,
      'manifests:\n  - inline: { apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: { name: mapped, namespace: shop }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "::ffff:10.42.1.1/128" } }] }] } }\n',
    ),
    files: {},
    args: ["scenario", "fixed-cidr.yaml", "--plan"],
  });
  cases.push({
    name: "fixed-text.yaml: control characters in free text",
    scenario: threeTier.replace(/^description: .*$/m, 'description: "clear \\e[2J\\e]0;title\\a \\u202e\\r\\x9b done"'),
    files: {},
    args: ["scenario", "fixed-text.yaml", "--plan", "--verbose"],
  });
  cases.push({
    name: "fixed-json.yaml: control characters in free text, as JSON",
    scenario: threeTier.replace(/^description: .*$/m, 'description: "\\x7f\\x9b\\u202e\\u2066 end"'),
    files: {},
    args: ["scenario", "fixed-json.yaml", "--plan", "--format", "json"],
  });
  for (let i = 0; cases.length < count; i++) {
    const file = `case-${i}.yaml`;
    const roll = r();
    if (roll < 0.07) {
      const entry = pick(r, SPECIAL_ENTRIES);
      cases.push({ name: `${file}: manifest entry ${entry}`, scenario: threeTier.replace(/^manifests:\n/m, `manifests:\n  - ${entry}\n`), files: {}, args: args(r, file) });
    } else if (roll < 0.12) {
      cases.push({ name: `${file}: ipBlock CIDRs`, scenario: cidrScenario(r, threeTier), files: {}, args: args(r, file) });
    } else if (roll < 0.3) {
      const [kind, mutate] = pick(r, TEXT_MUTATORS);
      const manifest = `mutated-${i}.yaml`;
      cases.push({
        name: `${file}: manifest ${kind}`,
        scenario: threeTier.replace(/^manifests:\n/m, `manifests:\n  - ${manifest}\n`),
        files: { [manifest]: mutate(r, pick(r, manifests)) },
        args: args(r, file),
      });
    } else {
      const [kind, mutate] = pick(r, TEXT_MUTATORS);
      const from = pick(r, names);
      cases.push({ name: `${file}: ${from} ${kind}`, scenario: mutate(r, scenarios[from] ?? ""), files: {}, args: args(r, file) });
    }
  }
  return cases;
}
