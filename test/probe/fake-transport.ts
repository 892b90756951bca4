// A Transport that answers runner execs from a script instead of a network:
// it decodes the runner argv and asks `answer` for each probe's line.
import { ARGS_PER_PROBE } from "../../src/probe/encode.ts";
import type { ExecResult, Transport } from "../../src/probe/types.ts";

export interface FakeProbe {
  readonly wireId: string;
  readonly kind: string;
  /** Tests give every probe a distinct host to recognise it. */
  readonly host: string;
}

export interface FakeExec {
  readonly client: string;
  readonly probes: readonly FakeProbe[];
  readonly timeoutMs: number;
  readonly argv: readonly string[];
}

/** Returns `<outcome> <ms> <detail>` for one probe, or undefined to leave its line out. */
export type Answer = (client: string, probe: FakeProbe, call: number) => string | undefined;

export class FakeTransport implements Transport {
  readonly execs: FakeExec[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly answer: Answer,
    private readonly override?: (exec: FakeExec) => Promise<ExecResult> | undefined,
  ) {}

  async exec(client: string, argv: readonly string[], options: { readonly timeoutMs: number }): Promise<ExecResult> {
    const args = argv.slice(5);
    const probes: FakeProbe[] = [];
    for (let i = 0; i < args.length; i += ARGS_PER_PROBE) {
      probes.push({ wireId: args[i] ?? "", kind: args[i + 1] ?? "", host: args[i + 2] ?? "" });
    }
    const exec: FakeExec = { client, probes, timeoutMs: options.timeoutMs, argv };
    const call = this.execs.filter((e) => e.client === client).length + 1;
    this.execs.push(exec);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const special = this.override?.(exec);
      if (special) return await special;
      const lines = probes.flatMap((p) => {
        const line = this.answer(client, p, call);
        return line === undefined ? [] : [`${p.wireId} ${line}`];
      });
      return { exitCode: 0, stdout: lines.map((l) => `${l}\n`).join(""), stderr: "" };
    } finally {
      this.inFlight -= 1;
    }
  }
}
