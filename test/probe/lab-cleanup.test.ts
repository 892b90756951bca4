import { expect } from "chai";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Lab, withLab } from "../lab/lab.ts";
import { isClean, listLeftovers } from "../lab/leftovers.ts";
import { assertLabUsable } from "../lab/preflight.ts";

const POD = { name: "a", ports: [{ port: 80, protocol: "TCP" as const }] };

function uniquePrefix(): string {
  return `np-${process.pid}-${randomBytes(2).toString("hex")}-`;
}

describe("network lab cleanup", function () {
  this.timeout(30_000);
  before(assertLabUsable);

  it("leaves nothing after destroy, and destroy can run twice", async () => {
    const lab = await Lab.create({ pods: [POD, { name: "b" }], externals: [{ name: "ext", address: "198.51.100.7" }] });
    const during = listLeftovers(lab.prefix);
    expect(during.namespaces).to.have.length(5);
    expect(during.processes.length).to.be.greaterThan(1);
    expect(during.etcNetns).to.have.length(3);
    await lab.destroy();
    await lab.destroy();
    expect(listLeftovers(lab.prefix)).to.deep.equal({ namespaces: [], processes: [], etcNetns: [], tempDirs: [] });
  });

  it("leaves nothing when the test body throws", async () => {
    let prefix = "";
    let error: unknown;
    try {
      await withLab({ pods: [POD] }, async (lab) => {
        prefix = lab.prefix;
        expect(isClean(listLeftovers(prefix))).to.equal(false);
        throw new Error("the test failed");
      });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.include("the test failed");
    expect(isClean(listLeftovers(prefix)), JSON.stringify(listLeftovers(prefix))).to.equal(true);
  });

  it("leaves nothing when creation fails half-way", async () => {
    const prefix = uniquePrefix();
    let error: unknown;
    try {
      await Lab.create({ prefix, pods: [POD, { name: "b", ports: [{ port: 70_000, protocol: "TCP" }] }] });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.include("not a port number");
    expect(listLeftovers(prefix)).to.deep.equal({ namespaces: [], processes: [], etcNetns: [], tempDirs: [] });
  });

  it("leaves nothing when the process holding a lab gets SIGINT", async () => {
    const prefix = uniquePrefix();
    const script = fileURLToPath(new URL("../lab/fixtures/hold-lab.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, prefix], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      void exited.then(() => reject(new Error(`the lab process exited before it was ready: ${stderr}`)));
    });
    const before = listLeftovers(prefix);
    expect(before.namespaces).to.have.length(4);
    expect(before.processes.length).to.be.greaterThan(1);
    child.kill("SIGINT");
    expect(await exited).to.equal(130);
    expect(listLeftovers(prefix)).to.deep.equal({ namespaces: [], processes: [], etcNetns: [], tempDirs: [] });
  });
});
