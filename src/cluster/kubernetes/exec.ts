// Exec over the websocket channel protocol (client-node's Exec). client-node
// resolves when the socket opens and has no close handler, so this resolves
// on the status channel or on close, and abandons the exec at its timeout
// (#704, #2532). No stdin ever: on v4, ending stdin closes the socket and the
// output is lost (#465), so the whole script travels in argv.
import { Writable } from "node:stream";
import { Exec, type KubeConfig, type V1Status } from "@kubernetes/client-node";
import type { ExecResult } from "../../probe/types.ts";
import type { ExecOptions, PodRef } from "../port.ts";

/** Exit code reported for an exec abandoned at its timeout, like timeout(1). */
export const EXEC_TIMEOUT_EXIT = 124;

export async function execInPod(
  kc: KubeConfig,
  pod: PodRef,
  argv: readonly string[],
  options: ExecOptions & { readonly container: string },
): Promise<ExecResult> {
  if (argv.length === 0) throw new Error("exec needs a command");
  const out = collector();
  const err = collector();
  let status: V1Status | undefined;
  const where = `exec in pod ${pod.namespace}/${pod.name}`;

  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let socket: { close(): void; terminate?: () => void } | undefined;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const timer = setTimeout(() => {
      finish(() =>
        resolve({
          exitCode: EXEC_TIMEOUT_EXIT,
          stdout: out.text(),
          stderr: `${err.text()}${where} abandoned after ${options.timeoutMs} ms\n`,
        }),
      );
      if (socket?.terminate) socket.terminate();
      else socket?.close();
    }, options.timeoutMs);

    const onStatus = (s: V1Status) => {
      status = s;
    };
    new Exec(kc)
      .exec(pod.namespace, pod.name, options.container, [...argv], out.stream, err.stream, null, false, onStatus)
      .then((ws) => {
        socket = ws;
        if (settled) {
          ws.close();
          return;
        }
        ws.on("close", () => {
          finish(() => {
            if (!status) {
              reject(new Error(`${where}: the connection closed without an exit status${tail(err.text())}`));
              return;
            }
            const exitCode = exitCodeOf(status);
            if (exitCode === undefined) {
              reject(new Error(`${where} failed: ${status.message ?? status.reason ?? "unknown failure"}`));
              return;
            }
            resolve({ exitCode, stdout: out.text(), stderr: err.text() });
          });
        });
      })
      .catch((error: unknown) => {
        finish(() => reject(new Error(`${where}: ${connectError(error)}`)));
      });
  });
}

/** 0 for Success, the ExitCode cause for NonZeroExitCode, undefined for any other failure. */
export function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === "Success") return 0;
  if (status.reason !== "NonZeroExitCode") return undefined;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}

function connectError(error: unknown): string {
  // ws reports a refused upgrade as "Unexpected server response: 404".
  const text = error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  const code = /Unexpected server response: (\d+)/.exec(text)?.[1];
  if (code === "404") return "no such pod (or the API server does not serve pods/exec)";
  if (code === "403") return "forbidden: the kubeconfig's user may not create pods/exec";
  if (code === "401") return "the API server refused the kubeconfig's credentials";
  return text;
}

function tail(stderr: string): string {
  const last = stderr.trim().split("\n").pop();
  return last ? ` (stderr: ${last})` : "";
}

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}
