// Externals without the internet: on a k3s profile, each external address a
// scenario names is carried by a small container of its own on the cluster's
// Docker network, running the probe server (src/probe/server.sh) with that
// address on its loopback; the k3s node routes the address to the container.
// Probes to "203.0.113.10" thus reach a netproof server and never leave the
// machine. Only IPv4 is served: the network is IPv4-only, so an IPv6 external
// stays unserved (and its allowed cells cannot connect; the report says so).
import ipaddr from "ipaddr.js";
import type { ExternalEndpoint } from "../port.ts";
import { serverArgv } from "../../probe/servers.ts";

/** argv[0] of the set-up shell; shows in `ps`. */
const SETUP_NAME = "netproof-external";

// Adds each address (argument 2..n+1) to lo, then execs the rest of argv (the
// server). Addresses are arguments, never spliced into the script.
const SETUP_SCRIPT = [
  "set -eu",
  'n=$1; shift',
  'while [ "$n" -gt 0 ]; do ip addr add "$1" dev lo; shift; n=$((n - 1)); done',
  'exec "$@"',
].join("\n");

export interface ExternalContainerSpec {
  readonly image: string;
  /** Docker container name; unique per run. */
  readonly name: string;
  readonly network: string;
  readonly labels: Readonly<Record<string, string>>;
  /** To add the address to its own loopback; nothing more. */
  readonly capAdd: readonly string[];
  readonly command: readonly string[];
  readonly endpoint: ExternalEndpoint;
}

export interface ExternalsPlan {
  readonly containers: readonly ExternalContainerSpec[];
  /** Addresses no container can carry here (IPv6), reported as unserved. */
  readonly unserved: readonly string[];
}

export interface ExternalsOptions {
  /** The netshoot image the pods use (it has socat, sh and ip). */
  readonly image: string;
  readonly network: string;
  readonly runId: string;
  readonly labels: Readonly<Record<string, string>>;
}

export function planExternals(endpoints: readonly ExternalEndpoint[], options: ExternalsOptions): ExternalsPlan {
  const containers: ExternalContainerSpec[] = [];
  const unserved: string[] = [];
  for (const [i, endpoint] of endpoints.entries()) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(endpoint.address)) {
      unserved.push(endpoint.address);
      continue;
    }
    const server = serverArgv(endpoint.identity, endpoint.ports.map((p) => ({ port: p.port, protocol: p.protocol })));
    containers.push({
      image: options.image,
      name: `netproof-${options.runId}-external-${i}`,
      network: options.network,
      labels: options.labels,
      capAdd: ["NET_ADMIN"],
      command: ["sh", "-c", SETUP_SCRIPT, SETUP_NAME, "1", `${endpoint.address}/32`, ...server],
      endpoint,
    });
  }
  return { containers, unserved };
}

/** Run on the k3s node: sends the external address to the container that carries it. */
export function nodeRouteArgv(address: string, via: string): string[] {
  if (!ipaddr.IPv4.isValidFourPartDecimal(address) || !ipaddr.IPv4.isValidFourPartDecimal(via)) {
    throw new Error(`route ${address} via ${via}: both must be IPv4 addresses`);
  }
  return ["ip", "route", "replace", `${address}/32`, "via", via];
}
