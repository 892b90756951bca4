// What a server pod runs: one socat listener per declared port, all answering
// with the pod's identity (see server.sh). The identity is an argument, never
// part of a shell string.
import { isPortNumber } from "../kube/ports.ts";
import type { Protocol } from "../kube/protocol.ts";
import { SERVER_SCRIPT } from "./scripts.ts";

export { SERVER_SCRIPT };

export interface ServerPort {
  readonly port: number;
  readonly protocol: Protocol;
}

/** argv[0] the server script sees as `$0`; shows up in `ps`. */
export const SERVER_NAME = "netproof-server";

const IDENTITY = /^[\x21-\x7e]{1,200}$/;

/** Printable ASCII without spaces: it is printed on one line and in an HTTP header. */
export function isValidIdentity(identity: string): boolean {
  return IDENTITY.test(identity);
}

/** The container command of a server pod (or a lab host). */
export function serverArgv(identity: string, ports: readonly ServerPort[]): string[] {
  if (!isValidIdentity(identity)) {
    throw new Error(`server identity ${JSON.stringify(identity)} must be 1-200 printable ASCII characters without spaces`);
  }
  const specs = uniquePorts(ports).map((p) => {
    if (!isPortNumber(p.port)) {
      throw new Error(`server port ${p.port} is not a port number`);
    }
    return `${p.port}/${p.protocol.toLowerCase()}`;
  });
  return ["sh", "-c", SERVER_SCRIPT, SERVER_NAME, identity, ...specs];
}

function uniquePorts(ports: readonly ServerPort[]): ServerPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
