// A small cluster for the oracle's unit tests: two namespaces, a few pods
// whose named ports differ on purpose ("http" is 80 on web, 8080 on api).

import type { NetworkPolicy } from "../../src/kube/network-policy.ts";
import type { OracleModel } from "../../src/oracle/types.ts";

export function policy(namespace: string, name: string, spec: NetworkPolicy["spec"]): NetworkPolicy {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { namespace, name }, spec };
}

export function shop(policies: readonly NetworkPolicy[]): OracleModel {
  return {
    namespaces: [
      { name: "shop", labels: { "kubernetes.io/metadata.name": "shop", env: "staging" } },
      { name: "prod", labels: { "kubernetes.io/metadata.name": "prod", env: "prod" } },
    ],
    pods: [
      { id: "shop/web", namespace: "shop", labels: { app: "web", role: "client" }, ip: "10.42.1.1", ports: [{ port: 80, protocol: "TCP", name: "http" }] },
      {
        id: "shop/api",
        namespace: "shop",
        labels: { app: "api" },
        ip: "10.42.1.2",
        ports: [
          { port: 8080, protocol: "TCP", name: "http" },
          { port: 53, protocol: "UDP", name: "dns" },
        ],
      },
      { id: "shop/legacy", namespace: "shop", labels: { app: "legacy" }, ip: "fd00::2", ports: [] },
      { id: "prod/client", namespace: "prod", labels: { role: "client" }, ip: "10.42.2.1", ports: [{ port: 80, protocol: "TCP", name: "http" }] },
      { id: "prod/db", namespace: "prod", labels: { app: "db" }, ip: "10.42.2.2", ports: [{ port: 5432, protocol: "TCP", name: "postgres" }] },
    ],
    policies,
  };
}
