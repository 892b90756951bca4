// Large reports on stdout: complete through a slow reader (a full pipe is
// waited out, not queued in memory), and a reader that stops early (head)
// ends the output without a stack trace.
import { expect } from "chai";
import { execa } from "execa";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeScaleScenario } from "../bench/plan-scenario.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = `"${process.execPath}" --import tsx "${join(ROOT, "src/cli/main.ts")}"`;

describe("cli: large reports on stdout", function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "netproof-output-test-"));
    file = writeScaleScenario(dir, 200).file; // 80,000 cells, about 7 MB of JSON
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const sh = (pipeline: string) => execa("sh", ["-c", pipeline], { cwd: ROOT, reject: false, env: { FILE: file } });

  it("gives a slow reader the whole JSON report, byte for byte", async () => {
    const direct = await sh(`${CLI} scenario "$FILE" --plan --format json | wc -c`);
    const slow = await sh(`${CLI} scenario "$FILE" --plan --format json | { sleep 2; wc -c; }`);
    expect(Number(direct.stdout.trim())).to.be.greaterThan(5_000_000);
    expect(slow.stdout.trim()).to.equal(direct.stdout.trim());
  });

  it("stops quietly when the reader goes away, with the plan's exit code", async () => {
    const withCode = await execa("bash", ["-c", `${CLI} scenario "$FILE" --plan --format json | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`], {
      cwd: ROOT,
      reject: false,
      env: { FILE: file },
    });
    expect(withCode.stderr).to.equal("");
    expect(withCode.stdout.trim()).to.equal("1"); // the scenario has a deliberate disagreement
  });
});
