// `npm run lab-cluster -- --kubeconfig FILE [--enforce-as-predicted]` (as
// root): the API stand-in with its pods on the lab adapter, serving until
// Ctrl-C or SIGTERM, its kubeconfig in FILE once it serves. When it stops it
// removes the file, the lab and everything in it.
import { rmSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { LabCluster } from "../cluster/lab-adapter.ts";
import { labProblems } from "../lab/preflight.ts";
import { ApiStandIn } from "./server.ts";

const program = new Command("lab-cluster")
  .requiredOption("--kubeconfig <file>", "where to write the stand-in's kubeconfig")
  .option("--port <port>", "port to listen on (default: any free one)", "0")
  .option("--enforce-as-predicted", "deny what the oracle denies (a conformant CNI); by default nothing is enforced, like flannel")
  .parse();
const opts = program.opts<{ kubeconfig: string; port: string; enforceAsPredicted?: boolean }>();

const problems = labProblems();
if (problems.length) {
  console.error(`lab-cluster: the network lab cannot run here:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  process.exit(2);
}

// The lab's registry handles Ctrl-C and SIGTERM: it removes the lab
// synchronously and exits (130/143). The kubeconfig goes in the exit handler.
const lab = await LabCluster.start();
process.on("exit", () => rmSync(opts.kubeconfig, { force: true }));

try {
  const standIn = new ApiStandIn({ backing: lab, enforceAsPredicted: opts.enforceAsPredicted ? lab : undefined });
  const url = await standIn.start(Number(opts.port));
  writeFileSync(opts.kubeconfig, standIn.kubeconfig(), { mode: 0o600 });
  const policy = opts.enforceAsPredicted ? "denies what the oracle denies" : "enforces no NetworkPolicy";
  console.log(`lab-cluster: serving ${url} (${policy}); kubeconfig in ${opts.kubeconfig}, context lab; lab ${lab.prefix}*. Ctrl-C stops it.`);
} catch (error) {
  console.error(`lab-cluster: ${(error as Error).message}`);
  await lab.cleanup();
  process.exit(1);
}
