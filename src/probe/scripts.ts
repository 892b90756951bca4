// The two static shell scripts shipped with netproof. They live in .sh files so
// they can be read, linted and run by hand; the same text goes into netshoot
// pods and into the lab's network namespaces.
import { readFileSync } from "node:fs";

/** The probe runner: `sh -c RUNNER_SCRIPT netproof-probe v1 <probe args>...`. */
export const RUNNER_SCRIPT: string = readFileSync(new URL("./runner.sh", import.meta.url), "utf8");

/** The server: `sh -c SERVER_SCRIPT netproof-server <identity> <port>/<protocol>...`. */
export const SERVER_SCRIPT: string = readFileSync(new URL("./server.sh", import.meta.url), "utf8");
