import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Lab } from "./lab.ts";
import { isAlive, isClean, listLeftovers } from "./leftovers.ts";
import { assertLabUsable } from "./preflight.ts";

const CLEAN = { namespaces: [], processes: [], etcNetns: [], tempDirs: [] };
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

interface Holder {
  readonly child: ChildProcess;
  readonly prefix: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a process that holds a lab, and resolves once it says `ready <prefix>`. */
async function hold(argv: readonly string[], file = process.execPath): Promise<Holder> {
  const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const prefix = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /ready (np-\S+)/.exec(stdout);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`the lab holder exited before it was ready:\n${stdout}\n${stderr}`)));
  });
  return { child, prefix, exited };
}

async function until(condition: () => boolean, withinMs: number, what: string): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("lab hygiene: leftovers of dead runs, SIGTERM", function () {
  this.timeout(30_000);
  before(assertLabUsable);

  it("removes what a run killed with SIGKILL left, when the next lab is created", async () => {
    const holder = await hold(["--import", "tsx", fixture("hold-lab.ts")]);
    holder.child.kill("SIGKILL");
    await holder.exited;
    const left = listLeftovers(holder.prefix);
    expect(left.namespaces, "SIGKILL leaves the namespaces").to.have.length(4);
    expect(left.processes.length, "and the servers, which run on").to.be.greaterThan(0);

    const lab = await Lab.create({ pods: [{ name: "a" }] });
    try {
      expect(listLeftovers(holder.prefix)).to.deep.equal(CLEAN);
      expect(isClean(listLeftovers(lab.prefix))).to.equal(false);
    } finally {
      await lab.destroy();
    }
  });

  it("leaves a live run's lab alone, and SIGTERM to the process holding it removes it", async () => {
    const holder = await hold(["--import", "tsx", fixture("hold-lab.ts")]);
    try {
      const lab = await Lab.create({ pods: [{ name: "a" }] });
      await lab.destroy();
      expect(listLeftovers(holder.prefix).namespaces, "a live run is not a leftover").to.have.length(4);
      holder.child.kill("SIGTERM");
      expect(await holder.exited).to.deep.equal({ code: 143, signal: null });
      expect(listLeftovers(holder.prefix)).to.deep.equal(CLEAN);
    } finally {
      holder.child.kill("SIGKILL");
    }
  });

  const mocha = fileURLToPath(new URL("../../node_modules/mocha/bin/mocha.js", import.meta.url));
  const mochaArgv = [mocha, "--no-config", "--node-option", "import=tsx", "--require", fixture("../stop-with-parent.ts"), fixture("hold-lab-suite.ts")];

  /** SIGTERM to `top`; then the test process (whose pid the lab prefix carries) must stop and leave nothing. */
  async function expectStopsOnSigterm(holder: Holder): Promise<void> {
    const testProcess = Number(/^np-(\d+)-/.exec(holder.prefix)?.[1]);
    expect(testProcess, "the tests run in a child of bin/mocha.js").to.not.equal(holder.child.pid);
    try {
      holder.child.kill("SIGTERM");
      await holder.exited;
      await until(() => !isAlive(testProcess), 10_000, `the test process ${testProcess} stops`);
      expect(listLeftovers(holder.prefix)).to.deep.equal(CLEAN);
    } finally {
      if (isAlive(testProcess)) process.kill(testProcess, "SIGKILL");
    }
  }

  it("stops the whole mocha run on SIGTERM to the mocha process, and removes its labs", async () => {
    await expectStopsOnSigterm(await hold(mochaArgv));
  });

  it("stops it too on SIGTERM to the shell that runs mocha (as npm test does), which does not pass it on", async () => {
    // `sh -c` waits for mocha and then runs one more command, as `npm run typecheck && mocha` does.
    await expectStopsOnSigterm(await hold(["-c", '"$0" "$@"; echo finished', process.execPath, ...mochaArgv], "sh"));
  });
});
