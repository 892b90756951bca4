// Thousands of batched probes in one runner: one line each, in argument
// order, under dash and busybox ash. Loopback only (a closed port refuses).
import { expect } from "chai";
import { execa } from "execa";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUNNER_SCRIPT } from "../../src/probe/scripts.ts";

describe("probe runner with thousands of batched probes", function () {
  this.timeout(60_000);

  for (const shell of [["dash"], ["busybox", "sh"]] as const) {
    it(`prints one line per probe, in order, and leaves no files (${shell.join(" ")})`, async () => {
      const base = mkdtempSync(join(tmpdir(), "netproof-runner-scale-"));
      try {
        const count = 3000;
        const args: string[] = [];
        for (let i = 0; i < count; i++) {
          // Every 500th probe is malformed: it fails alone, its batch runs.
          const timeout = i % 500 === 7 ? "99999999999999999999" : "1";
          args.push(`p${i}`, "tcp", "127.0.0.1", "1", timeout, `ns/w${i}`, "");
        }
        const [command = "sh", ...rest] = shell;
        const r = await execa(command, [...rest, "-c", RUNNER_SCRIPT, "netproof-probe", "v1", ...args], { env: { TMPDIR: base }, reject: false });
        expect(r.exitCode, r.stderr).to.equal(0);
        const lines = r.stdout.split("\n");
        expect(lines).to.have.length(count);
        lines.forEach((line, i) => {
          const expected = i % 500 === 7 ? `p${i} error 0 bad timeout` : new RegExp(`^p${i} refused \\d+ could not connect$`);
          if (typeof expected === "string") expect(line).to.equal(expected);
          else expect(line).to.match(expected);
        });
        expect(readdirSync(base)).to.deep.equal([]);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    });
  }
});
