// pods/exec over the websocket channel protocol: v5.channel.k8s.io and
// v4.channel.k8s.io. Frames are binary, first byte the channel (1 stdout,
// 2 stderr, 3 status as a JSON Status). The stand-in never sends channel 255
// (close): client-node would call closeStream and throw "Unknown stream: 255".
// SPDY (kubectl 1.29 and older, and 1.30+'s fallback) is refused with a
// Status saying so.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { ExecResult } from "../../src/probe/types.ts";
import { statusBody } from "./http-util.ts";
import type { ApiStandIn } from "./server.ts";

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];
const FRAME = 32 * 1024;
/** The stand-in bounds each exec so a stuck command never holds a socket for ever. */
const EXEC_LIMIT_MS = 10 * 60_000;

const wss = new WebSocketServer({
  noServer: true,
  handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
});

export function handleExecUpgrade(standIn: ApiStandIn, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const url = new URL(req.url ?? "/", "http://stand-in");
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
  const refuse = (code: number, reason: string, message: string) => {
    const body = JSON.stringify(statusBody(code, reason, message));
    socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  if (!m) return refuse(404, "NotFound", "the stand-in upgrades only pods/exec");
  if ((req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
    return refuse(400, "BadRequest", `the API stand-in speaks the websocket exec protocol (${PROTOCOLS.join(", ")}) only, not ${req.headers.upgrade}`);
  }
  const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
  if (!PROTOCOLS.some((p) => offered.includes(p))) {
    return refuse(400, "BadRequest", `no supported exec subprotocol offered (${offered.join(", ") || "none"}); the stand-in speaks ${PROTOCOLS.join(", ")}`);
  }
  const [namespace, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const pod = standIn.findPod(namespace, name);
  if (!pod) return refuse(404, "NotFound", `pods "${name}" not found`);
  if ((pod.status as { phase?: string } | undefined)?.phase !== "Running") {
    return refuse(400, "BadRequest", `pod ${name} is not running (phase ${(pod.status as { phase?: string })?.phase ?? "unknown"})`);
  }
  const argv = url.searchParams.getAll("command");
  if (!argv.length) return refuse(400, "BadRequest", "you must specify at least 1 command");
  if (url.searchParams.get("stdin") === "true" || url.searchParams.get("stdin") === "1") {
    return refuse(400, "BadRequest", "the stand-in does not take stdin on exec (netproof passes everything in argv)");
  }
  if (url.searchParams.get("tty") === "true") return refuse(400, "BadRequest", "the stand-in has no tty for exec");
  const containers = ((pod.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => c.name);
  const container = url.searchParams.get("container") || containers[0];
  if (!container || !containers.includes(container)) {
    return refuse(400, "BadRequest", `container ${container ?? ""} is not valid for pod ${name}`);
  }
  const wantOut = url.searchParams.get("stdout") !== "false" && url.searchParams.get("stdout") !== "0";
  const wantErr = url.searchParams.get("stderr") !== "false" && url.searchParams.get("stderr") !== "0";
  wss.handleUpgrade(req, socket, head, (ws) => {
    void run(standIn, ws, { namespace, name }, argv, container, wantOut, wantErr);
  });
}

async function run(
  standIn: ApiStandIn,
  ws: WebSocket,
  pod: { namespace: string; name: string },
  argv: string[],
  container: string,
  wantOut: boolean,
  wantErr: boolean,
): Promise<void> {
  // Client-to-server frames (stdin, resize, v5 close of stdin) carry nothing
  // this stand-in uses; they are read and dropped.
  ws.on("message", () => undefined);
  ws.on("error", () => undefined);
  let result: ExecResult | undefined;
  let failure: string | undefined;
  try {
    result = await standIn.backing.exec(pod, argv, { timeoutMs: EXEC_LIMIT_MS, container });
  } catch (error) {
    failure = String((error as Error)?.message ?? error);
  }
  if (ws.readyState !== ws.OPEN) return;
  if (result) {
    if (wantOut) sendChannel(ws, 1, Buffer.from(result.stdout));
    if (wantErr) sendChannel(ws, 2, Buffer.from(result.stderr));
  }
  const status =
    failure !== undefined
      ? { metadata: {}, status: "Failure", message: failure, reason: "InternalError", code: 500 }
      : result!.exitCode === 0
        ? { metadata: {}, status: "Success" }
        : {
            metadata: {},
            status: "Failure",
            message: `command terminated with non-zero exit code: error executing command [${argv.join(" ")}], exit code ${result!.exitCode}`,
            reason: "NonZeroExitCode",
            details: { causes: [{ reason: "ExitCode", message: String(result!.exitCode) }] },
          };
  ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))]));
  ws.close(1000);
}

function sendChannel(ws: WebSocket, channel: number, data: Buffer): void {
  for (let i = 0; i < data.length; i += FRAME) {
    ws.send(Buffer.concat([Buffer.from([channel]), data.subarray(i, i + FRAME)]));
  }
}
