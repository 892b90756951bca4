// Port numbers and the container ports a pod serves.

import type { Protocol } from "./protocol.ts";

/** A container port: what a pod listens on, and the name policies may use for it. */
export interface ServedPort {
  readonly port: number;
  readonly protocol: Protocol;
  readonly name?: string;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** A valid, non-zero port number (apimachinery IsValidPortNum). */
export function isPortNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= MIN_PORT && value <= MAX_PORT;
}

export const PORT_RANGE_MESSAGE = `must be between ${MIN_PORT} and ${MAX_PORT}, inclusive`;
