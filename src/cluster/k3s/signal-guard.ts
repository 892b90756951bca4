// Ctrl-C and SIGTERM during a k3s run: remove everything the run created in
// Docker, then exit 130 (SIGINT) or 143 (SIGTERM). A container being created
// at that moment is waited for, so it is not left behind.
import type Dockerode from "dockerode";
import { removeRun } from "./docker-resources.ts";

const CREATE_WAIT_MS = 15_000;

export class SignalGuard {
  private createPending = false;
  private createdWaiters: (() => void)[] = [];
  private startPromise: Promise<unknown> | undefined;
  private readonly onSigint = (): void => void this.interrupt("SIGINT", 130);
  private readonly onSigterm = (): void => void this.interrupt("SIGTERM", 143);
  private active = true;

  constructor(
    private readonly docker: Dockerode,
    private readonly runId: string,
    private readonly progress: (line: string) => void,
  ) {
    process.on("SIGINT", this.onSigint);
    process.on("SIGTERM", this.onSigterm);
  }

  creating(): void {
    this.createPending = true;
  }

  created(_containerId: string): void {
    this.createPending = false;
    for (const w of this.createdWaiters.splice(0)) w();
  }

  starting(promise: Promise<unknown>): void {
    this.startPromise = promise.catch(() => undefined);
  }

  release(): void {
    if (!this.active) return;
    this.active = false;
    process.off("SIGINT", this.onSigint);
    process.off("SIGTERM", this.onSigterm);
  }

  private async interrupt(signal: string, code: number): Promise<void> {
    if (!this.active) return;
    // Stay subscribed until exit: a library's signal-exit handler re-raises
    // the signal when it finds itself the last listener, killing the
    // process before the containers are gone.
    this.active = false;
    this.progress(`${signal}: removing the k3s cluster of run ${this.runId}`);
    try {
      if (this.createPending) {
        await Promise.race([
          new Promise<void>((resolve) => this.createdWaiters.push(resolve)),
          this.startPromise ?? new Promise(() => {}),
          new Promise((resolve) => setTimeout(resolve, CREATE_WAIT_MS)),
        ]);
      }
      await removeRun(this.docker, this.runId);
    } catch (e) {
      process.stderr.write(`netproof: could not remove the run's containers: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    process.exit(code);
  }
}
