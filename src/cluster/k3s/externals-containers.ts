// Starts the externals' server containers (see externals.ts) next to a k3s
// node and routes each address to its container from inside the node.
import type Dockerode from "dockerode";
import type { ExternalEndpoint, ExternalsProvided } from "../port.ts";
import { execInContainer } from "./docker-exec.ts";
import { ROLE_LABEL } from "./docker-resources.ts";
import { nodeRouteArgv, planExternals, type ExternalsOptions } from "./externals.ts";

const LISTEN_TIMEOUT_MS = 60_000;

export async function startExternals(
  docker: Dockerode,
  nodeId: string,
  endpoints: readonly ExternalEndpoint[],
  options: ExternalsOptions,
): Promise<ExternalsProvided> {
  const plan = planExternals(endpoints, options);
  const { GenericContainer, Wait } = await import("testcontainers");
  const served: string[] = [];
  for (const spec of plan.containers) {
    const started = await new GenericContainer(spec.image)
      .withName(spec.name)
      .withNetworkMode(spec.network)
      .withLabels({ ...spec.labels, [ROLE_LABEL]: "external" })
      .withAddedCapabilities("NET_ADMIN")
      .withCommand([...spec.command])
      .withWaitStrategy(Wait.forSuccessfulCommand(listeningCheck(spec.endpoint)))
      .withStartupTimeout(LISTEN_TIMEOUT_MS)
      .start();
    const ip = started.getIpAddress(spec.network);
    const r = await execInContainer(docker, nodeId, nodeRouteArgv(spec.endpoint.address, ip));
    if (r.exitCode !== 0) throw new Error(`routing ${spec.endpoint.address} to ${ip} in the k3s node failed: ${r.stderr.trim()}`);
    served.push(spec.endpoint.address);
  }
  return { served };
}

// testcontainers runs this through a shell in the container until it exits
// 0. It is built from port numbers only (planExternals checked them), never
// from user text.
function listeningCheck(endpoint: ExternalEndpoint): string {
  const checks = endpoint.ports.map((p) => {
    const flag = p.protocol === "UDP" ? "u" : p.protocol === "SCTP" ? "" : "t";
    if (!Number.isInteger(p.port)) throw new Error(`port ${p.port} is not a number`);
    return flag === "" ? "true" : `netstat -ln${flag} | grep -q ':${p.port} '`;
  });
  return checks.join(" && ") || "true";
}
