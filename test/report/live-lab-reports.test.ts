// The report files of a real live run: three-tier on the lab adapter (network
// namespaces, as root) behind a CNI that gets exactly one cell wrong.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { liveResults } from "../../src/report/results.ts";
import { writeReportDir } from "../../src/report/report-dir.ts";
import { assertLabUsable } from "../lab/preflight.ts";
import { liveOnLab } from "../e2e/support.ts";
import { junitSchemaErrors, readResults, xpath } from "./report-support.ts";

describe("report files of a live run on the lab adapter", function () {
  this.timeout(120_000);
  before(assertLabUsable);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-lab-reports-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a CNI that lets web reach db: that one cell fails in every file, blamed on the CNI, with the probe that shows it", async () => {
    const { plan, run, leftovers } = await liveOnLab("three-tier", { flip: (c) => c.from === "shop/web" && c.to === "shop/db" && c.port === 5432 });
    expect(leftovers).to.deep.equal([]);
    writeReportDir(dir, [liveResults(plan, run)]);
    const [results] = readResults(path.join(dir, "results.json"));
    const failing = results!.phases.flatMap((p) => p.cells.filter((c) => c.verdict === "cni-mismatch").map((c) => c.key));
    expect(failing).to.deep.equal(["shop/web -> shop/db:5432/TCP"]);
    const junit = path.join(dir, "junit.xml");
    expect(await junitSchemaErrors(junit)).to.equal("");
    expect(await xpath(junit, "count(//testcase[failure])")).to.equal("1");
    const text = await xpath(junit, "string(//testcase/failure)");
    expect(text).to.include("cni-mismatch: expected deny, the network did allow");
    expect(text).to.include(`observed: connected (shop/db)`);
    expect(text).to.include(`reproduce: kubectl exec -n shop web -c netproof -- nc -vz -w 1 ${run.ips["shop/db"]} 5432`);
    const md = readFileSync(path.join(dir, "summary.md"), "utf8");
    expect(md).to.include("| initial | `shop/web -> shop/db:5432/TCP` | cni-mismatch");
    expect(md).to.include("### initial: 5432/TCP");
    expect(md).not.to.include("### initial: 8080/TCP");
  });
});
