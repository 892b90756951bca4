// Bad input never crashes and never hangs: a few hundred mutated scenario
// files (seeded, so every run tries the same ones) through the CLI's main(),
// in one worker thread. Each must end with exit 0, 1 or 2 and say something;
// exit 3 (an internal error) or a case that outlives its time bound fails the
// test, naming the case and where its file is kept.

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { expect } from "chai";
import { execa } from "execa";
import { MAX_FILE_BYTES } from "../../src/scenario/source-files.ts";
import { fuzzCases, type FuzzCase } from "./fuzz-cases.ts";
import type { WorkerMessage } from "./fuzz-worker.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SEED = 0x6e657470; // "netp"
const CASES = 400;
/** Generous: a case takes milliseconds; this only tells a hang from a slow machine. */
const CASE_BOUND_MS = 15_000;
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

interface Outcome {
  readonly c: FuzzCase;
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

function libraryTexts(): { scenarios: Record<string, string>; manifests: string[] } {
  const dir = path.join(root, "scenarios");
  const scenarios = Object.fromEntries(
    readdirSync(dir).filter((f) => f.endsWith(".yaml")).map((f) => [f.replace(/\.yaml$/, ""), readFileSync(path.join(dir, f), "utf8")]),
  );
  const manifests = readdirSync(path.join(dir, "policies")).map((f) => readFileSync(path.join(dir, "policies", f), "utf8"));
  // Namespace documents declare namespaces and labels: mutate those too.
  manifests.push("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: { team: shop, env: prod }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: extra }\n");
  return { scenarios, manifests };
}

/** The library copied to `dir`, plus the files that are no regular files. */
async function workspace(dir: string): Promise<void> {
  cpSync(path.join(root, "scenarios"), dir, { recursive: true });
  await execa("mkfifo", [path.join(dir, "fifo.yaml")]);
  symlinkSync("loop.yaml", path.join(dir, "loop.yaml"));
  symlinkSync("nowhere.yaml", path.join(dir, "dangling.yaml"));
  mkdirSync(path.join(dir, "empty-dir"));
  writeFileSync(path.join(dir, "big.yaml"), `# ${"x".repeat(MAX_FILE_BYTES)}\n`);
}

function runInWorker(cases: readonly FuzzCase[], dir: string): Promise<Outcome[]> {
  const workerCases = cases.map((c) => ({ name: c.name, args: c.args.map((a) => (a.endsWith(".yaml") && !a.startsWith("/") ? path.join(dir, a) : a)) }));
  return new Promise((resolve, reject) => {
    // A worker does not inherit tsx's loader in time for its entry module: load the TypeScript through tsx's API.
    const entry = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(new URL("./fuzz-worker.ts", import.meta.url).href)}, ${JSON.stringify(import.meta.url)}))`;
    const worker = new Worker(entry, { eval: true, workerData: { cases: workerCases }, stdout: true, stderr: true });
    const outcomes: Outcome[] = [];
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      void worker.terminate();
      reject(error);
    };
    worker.on("message", (m: WorkerMessage) => {
      clearTimeout(timer);
      const c = cases[m.index] as FuzzCase;
      if (m.type === "start") {
        timer = setTimeout(() => fail(new Error(`fuzz case hung (over ${CASE_BOUND_MS} ms): ${c.name}; its files are in ${dir}`)), CASE_BOUND_MS);
        return;
      }
      outcomes.push({ c, exit: m.exit, stdout: m.stdout, stderr: m.stderr });
      if (outcomes.length === cases.length) {
        void worker.terminate();
        resolve(outcomes);
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (outcomes.length < cases.length) fail(new Error(`fuzz worker exited (${code}) after ${outcomes.length} of ${cases.length} cases`));
    });
  });
}

describe("cli: fuzzed scenario files never crash and never hang", function () {
  this.timeout(180_000);
  let dir: string;
  let outcomes: Outcome[];
  let keep = false;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-fuzz-"));
    await workspace(dir);
    const { scenarios, manifests } = libraryTexts();
    const cases = fuzzCases(SEED, CASES, scenarios, manifests);
    for (const c of cases) {
      writeFileSync(path.join(dir, c.args[1] as string), c.scenario);
      for (const [name, text] of Object.entries(c.files)) writeFileSync(path.join(dir, name), text);
    }
    outcomes = await runInWorker(cases, dir);
  });
  after(() => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  });

  it(`${CASES} cases each end with exit 0, 1 or 2 and a message, never an internal error`, () => {
    const bad = outcomes.filter((o) => ![0, 1, 2].includes(o.exit) || (o.exit === 2 ? !o.stderr.startsWith("netproof: ") : o.stdout === ""));
    if (bad.length > 0) keep = true;
    expect(
      bad.map((o) => `${o.c.name} (in ${dir}): exit ${o.exit}\n${o.stderr.slice(0, 300)}`),
      "cases that crashed or said nothing",
    ).to.deep.equal([]);
  });

  // IPv4-mapped IPv6 once passed the schema and then threw in the oracle (exit 3).
  it("an IPv4-mapped IPv6 CIDR (::ffff:10.42.1.1/128) is read as Kubernetes reads it, not a crash", () => {
    const mapped = outcomes.find((o) => o.c.name.startsWith("fixed-cidr.yaml"));
    expect(mapped?.exit, mapped?.stderr).to.be.oneOf([0, 1]);
    expect(outcomes.filter((o) => o.c.name.includes("CIDRs")).length).to.be.greaterThan(5);
  });

  it("what they print carries no raw control characters from the files", () => {
    const text = outcomes.find((o) => o.c.name.startsWith("fixed-text.yaml"));
    expect(text?.exit, text?.stderr).to.equal(0);
    expect(text?.stdout).to.include("clear \\x1b[2J\\x1b]0;title\\x07 \\u202e\\x0d\\x9b done");
    const json = outcomes.find((o) => o.c.name.startsWith("fixed-json.yaml"));
    expect(json?.exit, json?.stderr).to.equal(0);
    expect((JSON.parse(json?.stdout ?? "") as { scenario: { description: string } }).scenario.description).to.equal("\x7f\x9b\u202e\u2066 end");
    const raw = outcomes.filter((o) => RAW_CONTROL.test(o.stderr) || RAW_CONTROL.test(o.stdout));
    if (raw.length > 0) keep = true;
    expect(raw.map((o) => `${o.c.name} (in ${dir}): ${JSON.stringify((o.stderr + o.stdout).match(new RegExp(`.{0,40}${RAW_CONTROL.source}.{0,40}`))?.[0])}`)).to.deep.equal([]);
  });

  it("the mutations reach every exit: some pass, some disagree, most are refused", () => {
    const byExit = (n: number) => outcomes.filter((o) => o.exit === n).length;
    expect(byExit(2), "refused").to.be.greaterThan(CASES / 4);
    expect(byExit(0) + byExit(1), "loaded").to.be.greaterThan(10);
    const kinds = new Set(outcomes.map((o) => o.c.name.replace(/^case-\d+\.yaml: /, "").split(" ").pop()));
    expect([...kinds]).to.include.members(["truncate", "flip", "unicode", "numbers", "nesting", "aliases", "types", "CIDRs"]);
  });
});
