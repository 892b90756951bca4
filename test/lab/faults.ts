// Faults are nftables rules in the input hook of the target's namespace: they
// see every packet addressed to that host, bridged or routed, and are the
// lab's own (no host firewall involved).

export type FaultAction = "drop" | "reject";

export interface Fault {
  /** A lab host name; absent = from anywhere. */
  readonly from?: string;
  /** A lab host name, or "dns" for the lab's DNS server. */
  readonly to: string;
  /** Absent = every port (and every protocol). */
  readonly port?: number;
  /** Default: both tcp and udp. */
  readonly protocol?: "tcp" | "udp";
  readonly action: FaultAction;
}

export const FAULT_TABLE = "netproof_fault";

/** One rule; addresses are already resolved. */
export interface ResolvedFault {
  readonly fromAddress?: string;
  readonly port?: number;
  readonly protocol?: "tcp" | "udp";
  readonly action: FaultAction;
}

/** A ruleset that atomically replaces the fault table (or just removes it when empty). */
export function faultRuleset(faults: readonly ResolvedFault[]): string {
  const reset = `table inet ${FAULT_TABLE}\ndelete table inet ${FAULT_TABLE}\n`;
  if (faults.length === 0) return reset;
  const rules = faults.map((f) => `    ${faultRule(f)}`).join("\n");
  return (
    reset +
    `table inet ${FAULT_TABLE} {\n  chain input {\n    type filter hook input priority -10; policy accept;\n${rules}\n  }\n}\n`
  );
}

export function faultRule(f: ResolvedFault): string {
  const from = f.fromAddress !== undefined ? `ip saddr ${f.fromAddress} ` : "";
  const proto = f.protocol !== undefined ? `meta l4proto ${f.protocol} ` : f.port !== undefined ? "meta l4proto { tcp, udp } " : "";
  const port = f.port !== undefined ? `th dport ${f.port} ` : "";
  // reject = icmp port-unreachable (inet default): TCP sees "Connection refused",
  // UDP an ICMP error.
  return `${from}${proto}${port}${f.action}`;
}
