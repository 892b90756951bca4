// Addresses by name, asked from inside a pod through its own resolver with the
// runner's DNS probe: how a live run learns the ClusterIPs of its Services
// (the same names a workload would use).
import { runProbes } from "./engine.ts";
import type { Transport } from "./types.ts";

/** name -> its first IPv4 address; names that did not resolve are left out. */
export async function lookupAddresses(
  client: string,
  names: readonly string[],
  transport: Transport,
  options: { readonly timeoutMs: number },
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (names.length === 0) return found;
  const run = await runProbes(
    [{ client, probes: names.map((name) => ({ id: name, kind: "dns" as const, name })) }],
    transport,
    // One answer each: a name that does not resolve leaves its cells unprobeable.
    { timeoutMs: options.timeoutMs, requiredStreak: 1, maxRounds: 1 },
  );
  for (const o of run.outcomes) {
    if (o.spec.kind !== "dns" || o.final.kind !== "connected") continue;
    const ipv4 = (o.final.detail ?? "").split(/[\s,]+/).find((a) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a));
    if (ipv4) found.set(o.spec.name, ipv4);
  }
  return found;
}
