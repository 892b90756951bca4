// The command that runs one probe again by hand, as upstream's e2e suite
// prints with every wrong cell: a kubectl exec into the client pod.
import type { PodRef } from "../cluster/port.ts";
import type { ProbeSpec } from "../probe/types.ts";

export function reproduceCommand(pod: PodRef, spec: ProbeSpec, timeoutMs: number, container = "netproof"): string {
  const t = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const prefix = ["kubectl", "exec", "-n", pod.namespace, pod.name, "-c", container, "--"];
  return [...prefix, ...probeArgv(spec, t)].map(shellQuote).join(" ");
}

function probeArgv(spec: ProbeSpec, t: string): string[] {
  switch (spec.kind) {
    case "tcp":
      return ["nc", "-vz", "-w", t, spec.host, String(spec.port)];
    case "udp":
      // nc -u proves nothing alone: netproof's servers answer a datagram with their identity.
      return ["sh", "-c", 'echo probe | nc -u -w "$0" "$1" "$2"', t, spec.host, String(spec.port)];
    case "sctp":
      return ["socat", "-T", t, "-", `SCTP:${spec.host}:${spec.port}`];
    case "http":
      return ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}\\n", "--max-time", t, "-X", spec.method, `http://${hostPart(spec.host)}:${spec.port}${spec.path}`];
    case "dns":
      return ["dig", `+time=${t}`, "+tries=1", ...(spec.server ? [`@${spec.server}`] : []), spec.name];
  }
}

function hostPart(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Quoted for a POSIX shell only where needed, so simple commands stay readable. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
