// netproof's own version, from package.json, for the reports and baselines
// (a baseline records which netproof produced it).
import { readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };

export const NETPROOF_VERSION: string = typeof manifest.version === "string" ? manifest.version : "unknown";
