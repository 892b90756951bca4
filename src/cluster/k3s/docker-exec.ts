// Runs an argv in a container (never a shell string) and collects its output.
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";

export interface ContainerExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function execInContainer(docker: Dockerode, containerId: string, argv: readonly string[], timeoutMs = 60_000): Promise<ContainerExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: [...argv], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on("data", (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on("data", (c: Buffer) => err.push(c));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`${argv.join(" ")}: no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    stream.on("end", () => (clearTimeout(timer), resolve()));
    stream.on("close", () => (clearTimeout(timer), resolve()));
    stream.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

/** The last lines a container wrote (stdout and stderr, in order). */
export async function lastLogLines(docker: Dockerode, containerId: string, lines: number): Promise<string> {
  const raw = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
  return demuxFrames(raw);
}

// Without a TTY the engine frames each chunk: 1 byte stream, 3 zero, 4 bytes length.
export function demuxFrames(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length && raw[at + 1] === 0 && raw[at + 2] === 0 && raw[at + 3] === 0) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return at === 0 ? raw.toString("utf8") : Buffer.concat(parts).toString("utf8");
}
