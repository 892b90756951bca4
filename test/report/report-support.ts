// Checks a report directory's files as a CI system and a person would: the
// JUnit file against the JUnit schema with libxml2's validator (xmllint, from
// Debian's libxml2-utils), results.json against netproof's own schema, and the
// HTML page in a real headless chromium.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { chromium, type BrowserContext } from "playwright-core";
import { resultsListSchema, resultsSchema } from "../../src/report/results-schema.ts";
import type { Results } from "../../src/report/results.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const JUNIT_XSD = path.join(root, "test/report/junit.xsd");

/** The CLI as a user runs it; `reject: false` so exit codes can be asserted. */
export async function netproof(...args: string[]) {
  return execa("node", ["--import", "tsx", path.join(root, "src/cli/main.ts"), ...args], { cwd: root, reject: false, env: { NO_COLOR: "1" } });
}

/** xmllint's verdict: "" when the file is valid, else its messages. */
export async function junitSchemaErrors(file: string): Promise<string> {
  const r = await execa("xmllint", ["--noout", "--schema", JUNIT_XSD, file], { reject: false });
  return r.exitCode === 0 ? "" : r.stderr;
}

export async function xpath(file: string, expression: string): Promise<string> {
  return (await execa("xmllint", ["--xpath", expression, file])).stdout;
}

export function readResults(file: string): Results[] {
  const json: unknown = JSON.parse(readFileSync(file, "utf8"));
  const list = resultsListSchema.safeParse(json);
  if (list.success) return list.data.runs as Results[];
  return [resultsSchema.parse(json) as Results];
}

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Debian's chromium with a fresh profile, removed afterwards. */
export async function withBrowser<T>(use: (browser: BrowserContext) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(path.join(tmpdir(), "netproof-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
  try {
    return await use(browser);
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
