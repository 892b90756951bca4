// Service ClusterIPs are nftables DNAT rules in the switch namespace, as
// kube-proxy's nftables mode does it on a node: each (ClusterIP, port,
// protocol) picks one endpoint at random. A ClusterIP port with no endpoint,
// and any port a Service does not declare, is rejected (kube-proxy rejects
// Services without endpoints). A pod reaching itself through its Service
// (hairpin) is masqueraded to the gateway, as kube-proxy does, so the reply
// comes back through the switch.

/** The lab's Service range; every lab host routes it to the switch. */
export const SERVICE_NET = "10.96.0.0/16";
export const SERVICE_TABLE = "netproof_svc";

export interface ServiceEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface ServiceRule {
  readonly clusterIp: string;
  readonly port: number;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly endpoints: readonly ServiceEndpoint[];
}

/** A ruleset that atomically replaces the Service table. */
export function serviceRuleset(rules: readonly ServiceRule[], gateway: string): string {
  const dnat = rules
    .filter((r) => r.endpoints.length > 0)
    .map((r) => {
      const map = r.endpoints.map((e, i) => `${i} : ${e.address} . ${e.port}`).join(", ");
      return `    ip daddr ${r.clusterIp} ${r.protocol} dport ${r.port} dnat ip to numgen random mod ${r.endpoints.length} map { ${map} }`;
    });
  const hairpin = [...new Set(rules.flatMap((r) => r.endpoints.map((e) => e.address)))].map(
    (address) => `    ct status dnat ip saddr ${address} ip daddr ${address} snat ip to ${gateway}`,
  );
  return (
    `table ip ${SERVICE_TABLE}\ndelete table ip ${SERVICE_TABLE}\n` +
    `table ip ${SERVICE_TABLE} {\n` +
    `  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n${dnat.join("\n")}\n  }\n` +
    `  chain forward {\n    type filter hook forward priority 0; policy accept;\n    ip daddr ${SERVICE_NET} reject\n  }\n` +
    `  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n${hairpin.join("\n")}\n  }\n` +
    `}\n`
  );
}
