// Makes docs/matrix.png, the README's picture of matrix.html: three-tier on an
// in-memory cluster whose CNI leaks every denial, one failing cell clicked.
//   npx tsx test/report/screenshot.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runLive } from "../../src/cli/live-run.ts";
import { DEFAULT_SCENARIO_DIR } from "../../src/cli/main.ts";
import { writeReportDir } from "../../src/report/report-dir.ts";
import { liveResults } from "../../src/report/results.ts";
import { resolveScenario } from "../../src/scenario/library.ts";
import { loadScenario } from "../../src/scenario/load.ts";
import { FakeCluster, type FakeNetwork } from "../cli/fake-cluster.ts";
import { root, withBrowser } from "./report-support.ts";

const leaky: FakeNetwork = (_from, probe) =>
  probe.kind === "dns" ? "connected 4 10.43.0.1" : probe.host.startsWith("203.") ? "timeout 1000 no answer" : `connected 3 ${probe.identity}`;
const plan = loadScenario(resolveScenario("three-tier", DEFAULT_SCENARIO_DIR));
const run = await runLive(plan, new FakeCluster(leaky, { serveExternals: true }), { runId: "shot", probe: { timeoutMs: 1000 }, exitOnSignal: false });
const dir = mkdtempSync(path.join(tmpdir(), "netproof-shot-"));
try {
  writeReportDir(dir, [liveResults(plan, run)]);
  await withBrowser(async (browser) => {
    const tab = await browser.newPage();
    await tab.setViewportSize({ width: 1000, height: 820 });
    await tab.goto(pathToFileURL(path.join(dir, "matrix.html")).href);
    await tab.locator('td.fail[data-key="shop/web -> shop/db:5432/TCP"]').click();
    await tab.screenshot({ path: path.join(root, "docs/matrix.png"), fullPage: false });
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
