// The lab's Transport: `ip netns exec <namespace> <argv>`, never a shell string.
//
// Start gate: the engine starts a round's execs in one burst, and node spawns
// children synchronously. On a small machine the first runners (hundreds of
// processes) starve node, and the last spawns of the burst wait seconds for CPU.
// So every child first waits for one line on stdin, and the gate opens once
// the current burst has been spawned (next event-loop turn). Nothing else
// changes: the argv runs unmodified after `exec`.
import { execa, type ResultPromise } from "execa";
import type { ExecResult, Transport } from "../../src/probe/types.ts";

const GATE = 'read -r _netproof_go || exit 125; exec "$@"';

export class NetnsTransport implements Transport {
  private waiting: ResultPromise[] = [];

  constructor(
    private readonly namespaceOf: (client: string) => string,
    private readonly env: Readonly<Record<string, string>>,
  ) {}

  async exec(client: string, argv: readonly string[], options: { readonly timeoutMs: number }): Promise<ExecResult> {
    const ns = this.namespaceOf(client);
    const child = execa("ip", ["netns", "exec", ns, "sh", "-c", GATE, "netproof-gate", ...argv], {
      env: this.env,
      stdin: "pipe",
      reject: false,
      timeout: options.timeoutMs,
      killSignal: "SIGKILL",
    });
    this.gate(child);
    const result = await child;
    const stdout = String(result.stdout ?? "");
    const stderr = String(result.stderr ?? "");
    if (result.timedOut) return { exitCode: 124, stdout, stderr: `${stderr}\ntimed out after ${options.timeoutMs} ms` };
    if (result.exitCode !== undefined) return { exitCode: result.exitCode, stdout, stderr };
    if (result.signal !== undefined) return { exitCode: 128, stdout, stderr: `${stderr}\nkilled by ${result.signal}` };
    throw new Error(`could not run ip netns exec ${ns}: ${result.message}`);
  }

  private gate(child: ResultPromise): void {
    this.waiting.push(child);
    if (this.waiting.length > 1) return;
    setImmediate(() => {
      const open = this.waiting;
      this.waiting = [];
      for (const c of open) {
        c.stdin?.on("error", () => undefined);
        c.stdin?.end("go\n");
      }
    });
  }
}
