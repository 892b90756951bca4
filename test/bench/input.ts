// The worst a file within the 4 MiB limit can cost before validation: YAML
// shapes that stress the parser and netproof's structure checks (one huge
// mapping, a long flow sequence, thousands of documents), and whole bad
// scenarios of that size, which once overflowed the stack or ran quadratic. Before duplicate
// keys were checked with a Set, a mapping of 20,000 keys took 3 s and one of
// 4 MiB minutes. Run alone with `npx tsx test/bench/input.ts`.

import { pathToFileURL } from "node:url";
import { MAX_FILE_BYTES } from "../../src/scenario/source-files.ts";
import { loadScenarioText } from "../../src/scenario/load.ts";
import { UserError } from "../../src/user-error.ts";
import { parseYaml, parseYamlDocuments } from "../../src/scenario/yaml-source.ts";

/** Loads a scenario that must be refused; the figure is the time to the message. */
function refused(text: string): void {
  try {
    loadScenarioText("bench.yaml", text);
  } catch (error) {
    if (error instanceof UserError) return;
    throw error;
  }
  throw new Error("the bench scenario loaded");
}

function fill(unit: (i: number) => string, open = "", close = ""): string {
  const parts: string[] = [];
  let size = open.length + close.length;
  for (let i = 0; size + 16 < MAX_FILE_BYTES; i++) {
    const part = unit(i);
    parts.push(part);
    size += part.length;
  }
  return open + parts.join("") + close;
}

export async function runInputBench(): Promise<void> {
  const shapes: Array<[string, string, (text: string) => unknown]> = [
    ["one block mapping, unique keys", fill((i) => `key${i}: ${i}\n`), (t) => parseYaml("bench.yaml", t)],
    ["one flow mapping (labels-like)", fill((i) => `k${i}: v${i}, `, "{", "}"), (t) => parseYaml("bench.yaml", t)],
    ["one flow sequence of numbers", fill((i) => `${i},`, "[", "0]"), (t) => parseYaml("bench.yaml", t)],
    ["scenario: 4 MiB of unknown fields", fill((i) => `k${i}: ${i}\n`, "description: x\nnamespaces: {}\nworkloads: {}\n"), refused],
    ["scenario: 4 MiB of statements", fill((i) => `    - a${i} -> b\n`, "description: x\nnamespaces: {}\nworkloads: {}\nexpect:\n  allow:\n"), refused],
    ["many small documents", fill((i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: c${i} }\n`), (t) => parseYamlDocuments("bench.yaml", t)],
  ];
  console.log("input: parse + structure checks of a 4 MiB file (scenario: to the message)");
  for (const [name, text, parse] of shapes) {
    const start = performance.now();
    parse(text);
    console.log(`  ${name.padEnd(34)} ${(text.length / 1024 / 1024).toFixed(1)} MiB  ${(performance.now() - start).toFixed(0).padStart(6)} ms`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runInputBench();
