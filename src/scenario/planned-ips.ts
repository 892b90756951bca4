// Deterministic pod IPs for plan mode: the same scenario always gets the same
// addresses, so templates render the same and reports are diffable.

import { CLUSTER_DNS, CLUSTER_DNS_IP } from "./cluster-dns.ts";

/** coredns gets 10.42.0.10; managed workloads 10.42.1.1, 10.42.1.2, … in declaration order. */
export function plannedIps(managedIds: readonly string[]): Record<string, string> {
  const ips: Record<string, string> = { [CLUSTER_DNS.id]: CLUSTER_DNS_IP };
  managedIds.forEach((id, i) => {
    const third = 1 + Math.floor(i / 254);
    if (third > 255) throw new Error("more than 64770 workloads do not fit in 10.42.0.0/16");
    ips[id] = `10.42.${third}.${1 + (i % 254)}`;
  });
  return ips;
}
