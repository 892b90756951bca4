// The probe engine's contracts. The engine knows clients, addresses and ports;
// it never knows about policies or expectations.

/** One probe, as the runner script receives it (encoded into argv). */
export type ProbeSpec =
  | {
      readonly id: string;
      readonly kind: "tcp" | "udp" | "sctp";
      /** An IP address or a DNS name. */
      readonly host: string;
      readonly port: number;
      /** The identity the answering server must print; a different one is an error. */
      readonly expectIdentity?: string;
    }
  | {
      readonly id: string;
      readonly kind: "http";
      readonly host: string;
      readonly port: number;
      readonly method: string;
      readonly path: string;
    }
  | {
      readonly id: string;
      readonly kind: "dns";
      /** The name to resolve (A and AAAA). */
      readonly name: string;
      /** The DNS server to ask; absent = the pod's resolv.conf. */
      readonly server?: string;
    };

/**
 * What one probe attempt saw. `error` means the probe could not run or its
 * answer proves nothing (wrong pod answered, unsupported protocol); it is never
 * a denial.
 */
export type Observation =
  | { readonly kind: "connected"; readonly detail?: string }
  | { readonly kind: "refused"; readonly detail?: string }
  | { readonly kind: "timeout"; readonly detail?: string }
  | { readonly kind: "dns-error"; readonly detail?: string }
  | { readonly kind: "http"; readonly status: number; readonly detail?: string }
  | { readonly kind: "error"; readonly detail: string };

export interface ProbeResult {
  readonly id: string;
  readonly observation: Observation;
  readonly ms: number;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs an argv in a client (a pod, or a lab namespace). Implementations never
 * pass the argv through a shell. Rejects only when the command could not be
 * run at all (the engine turns that into `error` observations).
 */
export interface Transport {
  exec(client: string, argv: readonly string[], options: { readonly timeoutMs: number }): Promise<ExecResult>;
}
