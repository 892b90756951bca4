// The runner's temp files: removed when it is stopped by a signal, and the
// leftovers of a runner killed outright (SIGKILL) removed by the next run.
// Loopback only: a listener that accepts and never answers holds the probes.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNNER_SCRIPT } from "../../src/probe/scripts.ts";

const SHELLS = [["dash"], ["busybox", "sh"]] as const;

describe("probe runner temp files", function () {
  this.timeout(20_000);
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  let base = "";

  before(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), "netproof-runner-test-"));
  });

  afterEach(() => {
    rmSync(base, { recursive: true, force: true });
  });

  /** A runner whose probes hang for 2T = 10 s on the silent listener: a batched one and an nc one. */
  function start(shell: readonly string[], probes: readonly string[] = silentProbes()) {
    const [command = "sh", ...rest] = shell;
    const child = spawn(command, [...rest, "-c", RUNNER_SCRIPT, "netproof-probe", "v1", ...probes], {
      env: { ...process.env, TMPDIR: base },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += String(d)));
    const exited = new Promise<{ code: number | null; signal: string | null; stdout: string }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal, stdout })),
    );
    return { child, exited };
  }

  function silentProbes(): string[] {
    return [...["held", "tcp", "127.0.0.1", String(port), "5", "x", ""], ...["plain", "tcp", "127.0.0.1", String(port), "5", "", ""]];
  }

  async function untilTempDir(): Promise<string[]> {
    for (let i = 0; i < 100; i++) {
      const entries = readdirSync(base);
      if (entries.length > 0) return entries;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("the runner made no temp dir");
  }

  for (const shell of SHELLS) {
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
      it(`leaves no temp files when stopped with ${signal} (${shell.join(" ")})`, async () => {
        const { child, exited } = start(shell);
        const entries = await untilTempDir();
        expect(entries[0]).to.match(/^netproof-probe\.\d+\./);
        child.kill(signal);
        const result = await exited;
        expect(result.code, `exit of a runner stopped by ${signal}`).to.be.greaterThan(128);
        expect(readdirSync(base)).to.deep.equal([]);
      });
    }

    it(`removes what a runner killed with SIGKILL left, and nothing else (${shell.join(" ")})`, async () => {
      const { child, exited } = start(shell);
      const [stale] = await untilTempDir();
      child.kill("SIGKILL");
      await exited;
      expect(readdirSync(base)).to.deep.equal([stale]);
      // A live runner's dir (this process is alive) and other files stay.
      mkdirSync(join(base, `netproof-probe.${process.pid}.live`));
      mkdirSync(join(base, "someone-else"));
      const next = start(shell, ["quick", "tcp", "127.0.0.1", "1", "1", "x", ""]);
      const result = await next.exited;
      expect(result.code).to.equal(0);
      expect(result.stdout).to.match(/^quick refused \d+ /);
      expect(readdirSync(base).sort()).to.deep.equal([`netproof-probe.${process.pid}.live`, "someone-else"]);
    });
  }
});
