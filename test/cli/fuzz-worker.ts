// Runs fuzz cases through the CLI's main() in this worker thread, one after
// another, and tells the test when each starts and how it ended; the test
// watches the clock, so a case that hangs is found and named.

import { parentPort, workerData } from "node:worker_threads";
import { main } from "../../src/cli/main.ts";

export interface WorkerCase {
  readonly name: string;
  readonly args: readonly string[];
}

export type WorkerMessage =
  | { readonly type: "start"; readonly index: number }
  | { readonly type: "done"; readonly index: number; readonly exit: number; readonly stdout: string; readonly stderr: string; readonly ms: number };

const cases = (workerData as { cases: WorkerCase[] }).cases;
const port = parentPort;
if (!port) throw new Error("fuzz-worker runs as a worker thread");

const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);

for (const [index, c] of cases.entries()) {
  port.postMessage({ type: "start", index } satisfies WorkerMessage);
  let stdout = "";
  let stderr = "";
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.exitCode = undefined;
  const start = performance.now();
  let exit: number;
  try {
    exit = await main(c.args);
  } catch (error) {
    // main() must not throw; make it visible as a bug.
    exit = -1;
    stderr += `main() threw: ${error instanceof Error ? error.stack : String(error)}`;
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  process.exitCode = undefined;
  port.postMessage({ type: "done", index, exit, stdout, stderr, ms: performance.now() - start } satisfies WorkerMessage);
}
