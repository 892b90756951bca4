// The transport protocols a Kubernetes port names (core/v1 Protocol).

export type Protocol = "TCP" | "UDP" | "SCTP";

export const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

export function isProtocol(value: unknown): value is Protocol {
  return value === "TCP" || value === "UDP" || value === "SCTP";
}
