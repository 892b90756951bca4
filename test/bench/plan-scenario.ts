// A generated cluster-scale scenario for the plan benchmark: `workloads`
// workloads in 20 namespaces, 2 ports each, 200 NetworkPolicies under default
// deny (10 per namespace), and group statements that agree with the policies
// except one on purpose (ns1 -> ns2 on port 80, across teams), so the report
// has disagreements to explain. Written as YAML files, so the benchmark
// measures loading as a user's run does.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const NAMESPACES = 20;
export const POLICIES_PER_NAMESPACE = 10;
const TEAMS = 5;
const APPS = ["web", "api", "db", "cache", "queue", "worker", "auth", "search"];

export interface GeneratedScenario {
  readonly file: string;
  readonly workloads: number;
  readonly policies: number;
}

/** Writes `<dir>/scale-<workloads>.yaml` and its policies file. */
export function writeScaleScenario(dir: string, workloads: number): GeneratedScenario {
  mkdirSync(dir, { recursive: true });
  const perNamespace = Math.ceil(workloads / NAMESPACES);
  const ns = (i: number) => `ns${i}`;
  const team = (i: number) => `t${i % TEAMS}`;
  const lines: string[] = [];
  lines.push(`description: ${workloads} workloads x 2 ports in ${NAMESPACES} namespaces, ${NAMESPACES * POLICIES_PER_NAMESPACE} policies under default deny.`);
  lines.push("externals:", "  partner: 203.0.113.10");
  lines.push("namespaces:");
  for (let i = 0; i < NAMESPACES; i++) lines.push(`  ${ns(i)}: { labels: { team: ${team(i)} } }`);
  lines.push("workloads:");
  let count = 0;
  for (let i = 0; i < NAMESPACES && count < workloads; i++) {
    for (let k = 0; k < perNamespace && count < workloads; k++, count++) {
      const app = APPS[k % APPS.length] ?? "web";
      const tier = k % 3 === 0 ? "front" : "back";
      lines.push(`  ${ns(i)}/w${k}: { labels: { app: ${app}, tier: ${tier} }, ports: [{ port: 80, name: http }, { port: 9090, name: metrics }] }`);
    }
  }
  const policiesFile = `scale-${workloads}-policies.yaml`;
  lines.push("manifests:", `  - ${policiesFile}`);
  lines.push("expect:", "  default: deny", "  allow:");
  for (let i = 0; i < NAMESPACES; i++) {
    for (let j = 0; j < NAMESPACES; j++) if (i % TEAMS === j % TEAMS) lines.push(`    - "${ns(i)}/* -> ${ns(j)}/*:80"`);
  }
  for (let j = 0; j < NAMESPACES; j++) lines.push(`    - "${ns(0)}/* -> ${ns(j)}/*:9090"`);
  lines.push(`    - "* -> dns:kubernetes.default.svc.cluster.local"`);
  // The mistake: ns1 and ns2 are in different teams.
  lines.push(`    - "${ns(1)}/* -> ${ns(2)}/*:80"`);
  lines.push("  deny:", `    - "* -> external:partner:443"`);
  const file = join(dir, `scale-${workloads}.yaml`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  writeFileSync(join(dir, policiesFile), policies(ns, team).join("---\n"));
  return { file, workloads: count, policies: NAMESPACES * POLICIES_PER_NAMESPACE };
}

function policies(ns: (i: number) => string, team: (i: number) => string): string[] {
  const docs: string[] = [];
  const policy = (namespace: string, name: string, spec: string) =>
    docs.push(`apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n${spec}\n`);
  for (let i = 0; i < NAMESPACES; i++) {
    const n = ns(i);
    policy(n, "default-deny", "  podSelector: {}\n  policyTypes: [Ingress, Egress]");
    policy(
      n,
      "allow-dns",
      "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: kube-system } }, podSelector: { matchLabels: { k8s-app: kube-dns } } }]\n      ports: [{ port: 53, protocol: UDP }, { port: 53, protocol: TCP }]",
    );
    policy(n, "same-namespace", "  podSelector: {}\n  ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }]\n  egress: [{ to: [{ podSelector: {} }], ports: [{ port: 80 }] }]\n  policyTypes: [Ingress, Egress]");
    policy(n, "team-egress", `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ to: [{ namespaceSelector: { matchLabels: { team: ${team(i)} } } }], ports: [{ port: http }] }]`);
    policy(n, "team-ingress", `  podSelector: {}\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: ${team(i)} } } }], ports: [{ port: 80, protocol: TCP }] }]`);
    policy(n, "metrics-from-ns0", `  podSelector: {}\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${ns(0)} } } }], ports: [{ port: metrics }] }]`);
    if (i === 0) {
      policy(n, "metrics-egress", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 9090 }] }]");
    } else {
      policy(
        n,
        "db-from-api",
        "  podSelector: { matchLabels: { app: db } }\n  ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: app, operator: In, values: [api, worker] }] } }], ports: [{ port: 80 }] }]",
      );
    }
    policy(n, "from-w0-ip", `  podSelector: { matchLabels: { app: api } }\n  ingress: [{ from: [{ ipBlock: { cidr: "{{ ip ${n}/w0 }}/32" } }], ports: [{ port: 80 }] }]`);
    policy(
      n,
      "canary-range",
      "  podSelector: { matchExpressions: [{ key: tier, operator: NotIn, values: [edge] }, { key: canary, operator: DoesNotExist }] }\n  ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8000, endPort: 8100 }] }]",
    );
    policy(n, "no-partner", "  podSelector: { matchLabels: { tier: front } }\n  policyTypes: [Egress]\n  egress: [{ to: [{ ipBlock: { cidr: 198.51.100.0/24 } }], ports: [{ port: 443 }] }]");
  }
  return docs;
}
