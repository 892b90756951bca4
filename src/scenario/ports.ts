// Served ports: the short forms of the DSL ("80/tcp", 5432) and the long form,
// normalised to ServedPort.

import type { ServedPort } from "../kube/ports.ts";
import { isProtocol, type Protocol } from "../kube/protocol.ts";
import type { PortSpecInput } from "./schema.ts";

export function servedPort(spec: PortSpecInput): ServedPort {
  if (typeof spec === "number") return { port: spec, protocol: "TCP" };
  if (typeof spec === "string") {
    const [port, proto] = spec.split("/");
    return { port: Number(port), protocol: toProtocol(proto ?? "tcp") };
  }
  const protocol = toProtocol(spec.protocol ?? "TCP");
  return spec.name === undefined ? { port: spec.port, protocol } : { port: spec.port, protocol, name: spec.name };
}

export function toProtocol(text: string): Protocol {
  const upper = text.toUpperCase();
  if (isProtocol(upper)) return upper;
  throw new Error(`not a protocol: ${text}`);
}

export function describePort(p: ServedPort): string {
  return p.name === undefined ? `${p.port}/${p.protocol}` : `${p.name} (${p.port}/${p.protocol})`;
}
