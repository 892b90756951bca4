// Test support: a Docker API proxy on a unix socket that forwards everything
// to the real engine except a container's start request, which it holds. A
// bring-up pointed at it (DOCKER_HOST) stops right after creating its
// container: the moment to test Ctrl-C during start-up, without timing.
import { EventEmitter } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { rmSync } from "node:fs";

const START_REQUEST = /(^|\r\n)POST \/[^ ]*containers\/([^/ ]+)\/start/;

export class HoldingDockerProxy extends EventEmitter {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly path: string,
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
      if (m) {
        holding = true;
        this.emit("held", m[2]);
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
