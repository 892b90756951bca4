// Test support: a Docker API proxy on a unix socket that forwards everything
// to the real engine except a container's start request. In `hold` mode it
// holds it: a bring-up pointed at it (DOCKER_HOST) stops right after creating
// its container, the moment to test Ctrl-C during start-up, without timing.
// In `refuse-privileged` mode it answers as an engine that refuses privileged
// containers does (this sandbox's runc error, verbatim), for engines that
// would run one.
import { EventEmitter } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { rmSync } from "node:fs";

const START_REQUEST = /(^|\r\n)POST \/[^ ]*containers\/([^/ ]+)\/start/;

/** What dockerd answered on the development machines to starting a privileged container. */
export const SANDBOX_REFUSAL =
  "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: unable to apply caps: operation not permitted: unknown";

export type ProxyMode = "hold" | "refuse-privileged";

export class HoldingDockerProxy extends EventEmitter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly path: string,
    private readonly mode: ProxyMode = "hold",
    private readonly upstream = "/var/run/docker.sock",
  ) {
    super();
  }

  /** Emits `held` with the container id when a start request arrives. */
  async listen(): Promise<void> {
    rmSync(this.path, { force: true });
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.path, resolve);
    });
  }

  private relay(client: Socket): void {
    const engine = createConnection(this.upstream);
    this.sockets.add(client).add(engine);
    let holding = false;
    client.on("data", (chunk: Buffer) => {
      if (holding) return;
      const m = START_REQUEST.exec(chunk.toString("latin1"));
      if (m && this.mode === "hold") {
        holding = true;
        this.emit("held", m[2]);
        return;
      }
      if (m) {
        const body = JSON.stringify({ message: SANDBOX_REFUSAL });
        client.write(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        this.emit("refused", m[2]);
        return;
      }
      engine.write(chunk);
    });
    engine.on("data", (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      engine.destroy();
      this.sockets.delete(client);
      this.sockets.delete(engine);
    };
    client.on("close", close).on("error", close);
    engine.on("close", close).on("error", close);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    rmSync(this.path, { force: true });
  }
}
