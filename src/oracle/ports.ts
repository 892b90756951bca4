// NetworkPolicyPort entries and the container ports they may name.

import type { NetworkPolicyPort } from "../kube/network-policy.ts";
import type { ServedPort } from "../kube/ports.ts";
import type { Protocol } from "../kube/protocol.ts";

export type CompiledPort =
  /** An entry with a protocol and no port: every port of that protocol. */
  | { readonly kind: "any"; readonly protocol: Protocol }
  /** A number, or a number..endPort range (inclusive). */
  | { readonly kind: "range"; readonly protocol: Protocol; readonly from: number; readonly to: number }
  /** A named container port of the pod the traffic goes to. */
  | { readonly kind: "named"; readonly protocol: Protocol; readonly name: string };

/** Named container ports of one pod, by protocol then name. */
export type NamedPorts = ReadonlyMap<Protocol, ReadonlyMap<string, number>>;

export function compilePort(entry: NetworkPolicyPort): CompiledPort {
  const protocol = entry.protocol ?? "TCP";
  const { port } = entry;
  if (port === undefined) return { kind: "any", protocol };
  // endPort with a named port is refused by the API server; a name stays a name.
  if (typeof port === "string") return { kind: "named", protocol, name: port };
  return { kind: "range", protocol, from: port, to: entry.endPort ?? port };
}

export function namedPorts(ports: readonly ServedPort[]): NamedPorts {
  const byProtocol = new Map<Protocol, Map<string, number>>();
  for (const served of ports) {
    if (served.name === undefined) continue;
    let names = byProtocol.get(served.protocol);
    if (names === undefined) {
      names = new Map();
      byProtocol.set(served.protocol, names);
    }
    names.set(served.name, served.port);
  }
  return byProtocol;
}

/**
 * Whether the entry admits traffic on `port`/`protocol`. `target` holds the
 * named ports of the destination pod; undefined for an address outside the
 * cluster, which a named port can never match.
 */
export function portMatches(
  entry: CompiledPort,
  protocol: Protocol,
  port: number,
  target: NamedPorts | undefined,
): boolean {
  if (entry.protocol !== protocol) return false;
  switch (entry.kind) {
    case "any":
      return true;
    case "range":
      return port >= entry.from && port <= entry.to;
    case "named":
      return target?.get(protocol)?.get(entry.name) === port;
  }
}
