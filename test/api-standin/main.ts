// `npm run lab-cluster -- --kubeconfig FILE [--enforce-as-predicted]`: serves
// the API stand-in until Ctrl-C or SIGTERM, with its kubeconfig in FILE once
// it serves; removes the file and what it created when it stops.
import { rmSync, writeFileSync } from "node:fs";
import { Command } from "commander";
import { HostCluster } from "./host-cluster.ts";
import { ApiStandIn } from "./server.ts";

const program = new Command("lab-cluster")
  .requiredOption("--kubeconfig <file>", "where to write the stand-in's kubeconfig")
  .option("--port <port>", "port to listen on (default: any free one)", "0")
  .option("--enforce-as-predicted", "deny what the oracle denies (needs the lab adapter; not available yet)")
  .parse();
const opts = program.opts<{ kubeconfig: string; port: string; enforceAsPredicted?: boolean }>();

if (opts.enforceAsPredicted) {
  console.error("lab-cluster: --enforce-as-predicted needs the lab adapter as backing, which this build does not have yet");
  process.exit(2);
}

// Until the lab adapter is merged, pods are records whose exec runs on this host.
const backing = new HostCluster();
const standIn = new ApiStandIn({ backing });
const url = await standIn.start(Number(opts.port));
writeFileSync(opts.kubeconfig, standIn.kubeconfig(), { mode: 0o600 });
console.log(`lab-cluster: serving ${url}; kubeconfig in ${opts.kubeconfig} (context lab). Ctrl-C stops it.`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`lab-cluster: ${signal}, stopping`);
  await standIn.close();
  await backing.cleanup();
  rmSync(opts.kubeconfig, { force: true });
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
