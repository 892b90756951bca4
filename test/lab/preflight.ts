// The lab needs root and a handful of tools. Suites call this in before() and
// fail with the list: a missing tool must not turn into skipped or green tests.
import { runSync } from "./commands.ts";

export const LAB_TOOLS = ["ip", "nft", "socat", "nc", "curl", "dig", "dnsmasq", "ss", "busybox"] as const;

export function labProblems(): string[] {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push("the network lab needs root (network namespaces, nftables)");
  for (const tool of LAB_TOOLS) {
    if (!runSync("sh", ["-c", 'command -v "$1"', "sh", tool]).ok) problems.push(`${tool} is not installed`);
  }
  return problems;
}

export function assertLabUsable(): void {
  const problems = labProblems();
  if (problems.length > 0) {
    throw new Error(
      `the network lab cannot run here:\n  ${problems.join("\n  ")}\n` +
        "run as root with iproute2, nftables, socat, netcat-openbsd, curl, bind9-dnsutils, dnsmasq-base, busybox installed",
    );
  }
}
