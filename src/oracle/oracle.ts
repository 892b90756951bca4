// The oracle: what the NetworkPolicy specification says about one connection.
// A pod-to-pod connection needs the source's egress and the target's ingress
// to allow it; to an address outside the model only the source's egress
// applies. Pure and synchronous.

import { addressKey, parseIp, type Address } from "../kube/cidr.ts";
import { isPortNumber, PORT_RANGE_MESSAGE } from "../kube/ports.ts";
import type { Protocol } from "../kube/protocol.ts";
import { compileModel } from "./compile.ts";
import type { CompiledModel, CompiledRule, Isolation } from "./compile.ts";
import { inIpBlock } from "./ip-block.ts";
import { portMatches } from "./ports.ts";
import type { NamedPorts } from "./ports.ts";
import type { DirectionDecision, OracleModel, OracleQuery, Prediction } from "./types.ts";

export interface Oracle {
  predict(query: OracleQuery): Prediction;
}

/** Compiles the model once; throws on a policy the API server would refuse. */
export function createOracle(model: OracleModel): Oracle {
  const compiled = compileModel(model);
  return { predict: (query) => predictCompiled(compiled, query) };
}

/** One-off prediction; use createOracle for more than a few queries. */
export function predict(model: OracleModel, query: OracleQuery): Prediction {
  return createOracle(model).predict(query);
}

const NOT_ISOLATED: DirectionDecision = Object.freeze({ kind: "not-isolated" });
const NOT_APPLICABLE: DirectionDecision = Object.freeze({ kind: "not-applicable" });

/** The other end of a connection, as a peer is matched against it. */
interface Endpoint {
  /** Index of the pod in the model, -1 for an address outside it. */
  readonly pod: number;
  readonly address: Address | undefined;
}

function predictCompiled(model: CompiledModel, query: OracleQuery): Prediction {
  const source = model.podIndex.get(query.from);
  if (source === undefined) return invalid(`unknown source pod ${query.from}`);

  let target: Endpoint;
  let targetLabel: string;
  if ("pod" in query.to) {
    const pod = model.podIndex.get(query.to.pod);
    if (pod === undefined) return invalid(`unknown target pod ${query.to.pod}`);
    target = { pod, address: model.pods[pod]?.address };
    targetLabel = query.to.pod;
  } else {
    const address = parseIp(query.to.ip);
    if (address === undefined) return invalid(`${JSON.stringify(query.to.ip)} is not an IP address`);
    target = { pod: model.podByAddress.get(addressKey(address)) ?? -1, address };
    targetLabel = query.to.ip;
  }
  const targetPorts = target.pod < 0 ? undefined : model.pods[target.pod]?.named;

  let port: number;
  if (typeof query.port === "string") {
    if (targetPorts === undefined) {
      return invalid(`named port ${query.port} needs a pod target; ${targetLabel} is outside the cluster`);
    }
    const resolved = targetPorts.get(query.protocol)?.get(query.port);
    if (resolved === undefined) return invalid(`${targetLabel} has no ${query.protocol} port named ${query.port}`);
    port = resolved;
  } else {
    if (!isPortNumber(query.port)) return invalid(`port ${query.port} ${PORT_RANGE_MESSAGE}`);
    port = query.port;
  }

  const sourcePod = model.pods[source];
  const sourceEndpoint: Endpoint = { pod: source, address: sourcePod?.address };
  const egress = decide(model.egress[source], target, query.protocol, port, targetPorts);
  const ingress =
    target.pod < 0
      ? NOT_APPLICABLE
      : decide(model.ingress[target.pod], sourceEndpoint, query.protocol, port, targetPorts);
  const kind = egress.kind === "denied" || ingress.kind === "denied" ? "denied" : "allowed";
  return { kind, egress, ingress };
}

/**
 * One direction of one pod. `peer` is the other end; `targetPorts` the named
 * ports of the pod the traffic goes to (both directions resolve names there).
 */
function decide(
  isolation: Isolation | undefined,
  peer: Endpoint,
  protocol: Protocol,
  port: number,
  targetPorts: NamedPorts | undefined,
): DirectionDecision {
  if (isolation === undefined || isolation.denied === undefined) return NOT_ISOLATED;
  for (const rule of isolation.rules) {
    if (!rulePortsMatch(rule, protocol, port, targetPorts)) continue;
    if (rule.peers === undefined) return { kind: "allowed", isolatedBy: isolation.denied.isolatedBy, allowedBy: rule.ref };
    for (const candidate of rule.peers) {
      const hit =
        peer.pod >= 0
          ? candidate.pods[peer.pod] === 1
          : candidate.block !== undefined && peer.address !== undefined && inIpBlock(peer.address, candidate.block);
      if (hit) return { kind: "allowed", isolatedBy: isolation.denied.isolatedBy, allowedBy: candidate.ref };
    }
  }
  return isolation.denied;
}

function rulePortsMatch(rule: CompiledRule, protocol: Protocol, port: number, targetPorts: NamedPorts | undefined): boolean {
  if (rule.ports === undefined) return true;
  for (const entry of rule.ports) if (portMatches(entry, protocol, port, targetPorts)) return true;
  return false;
}

function invalid(reason: string): Prediction {
  return { kind: "invalid", reason };
}
