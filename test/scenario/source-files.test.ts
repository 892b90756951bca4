import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { execa } from "execa";
import { loadScenario } from "../../src/scenario/load.ts";
import { MAX_FILE_BYTES, readSourceFile, UnreadableFile } from "../../src/scenario/source-files.ts";
import { UserError, type Problem } from "../../src/user-error.ts";
import { lineOf, SHOP } from "./helpers.ts";

function reason(file: string): string {
  try {
    readSourceFile(file);
  } catch (error) {
    if (error instanceof UnreadableFile) return error.reason;
    throw error;
  }
  expect.fail(`${file} was read`);
}

function loadProblems(file: string): readonly Problem[] {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof UserError) return error.problems;
    throw error;
  }
  expect.fail(`${file} loaded`);
}

describe("scenario files on disk", () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "netproof-files-"));
    await execa("mkfifo", [path.join(dir, "fifo.yaml")]);
    symlinkSync("loop-b.yaml", path.join(dir, "loop-a.yaml"));
    symlinkSync("loop-a.yaml", path.join(dir, "loop-b.yaml"));
    symlinkSync("nowhere.yaml", path.join(dir, "dangling.yaml"));
    symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    mkdirSync(path.join(dir, "folder.yaml"));
    writeFileSync(path.join(dir, "big.yaml"), Buffer.alloc(MAX_FILE_BYTES + 1, "#"));
    writeFileSync(path.join(dir, "binary.yaml"), Buffer.from([0x61, 0x3a, 0x00, 0x0a]));
    writeFileSync(path.join(dir, "latin1.yaml"), Buffer.from("description: caf\xe9\n", "latin1"));
    writeFileSync(path.join(dir, "ok.yaml"), "a: 1\n");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a regular file", () => {
    expect(readSourceFile(path.join(dir, "ok.yaml"))).to.equal("a: 1\n");
  });

  it("refuses what is not a regular file, each with its own reason, without blocking", () => {
    const at = (name: string) => path.join(dir, name);
    expect(reason(at("fifo.yaml"))).to.equal("is a named pipe (FIFO); netproof reads only regular files");
    expect(reason("/dev/zero")).to.equal("is a device; netproof reads only regular files");
    expect(reason(at("zero.yaml"))).to.equal("is a device; netproof reads only regular files");
    expect(reason(at("loop-a.yaml"))).to.equal("is a symbolic link loop (or a chain of too many links)");
    expect(reason(at("dangling.yaml"))).to.equal("is a symbolic link to a file that does not exist");
    expect(reason(at("folder.yaml"))).to.equal("is a folder, not a file");
    expect(reason(at("missing.yaml"))).to.equal("not found");
    expect(reason(path.join(at("ok.yaml"), "x.yaml"))).to.equal("not found: a part of its path is a file, not a folder");
  });

  it("refuses files over the size limit, stating the limit", () => {
    expect(reason(path.join(dir, "big.yaml"))).to.equal("is 4.0 MiB; netproof reads files of at most 4 MiB");
  });

  it("refuses binary and non-UTF-8 files", () => {
    expect(reason(path.join(dir, "binary.yaml"))).to.match(/NUL bytes/);
    expect(reason(path.join(dir, "latin1.yaml"))).to.equal("is not UTF-8 text");
  });

  it("a scenario that is a FIFO or a device is a user error naming it", () => {
    const fifo = path.join(dir, "fifo.yaml");
    expect(loadProblems(fifo)).to.deep.equal([{ file: fifo, message: "the scenario file is a named pipe (FIFO); netproof reads only regular files" }]);
    expect(loadProblems("/dev/zero")[0]?.message).to.equal("the scenario file is a device; netproof reads only regular files");
  });

  it("a manifest entry that is a FIFO, /dev/zero or a loop: the entry's line and what the file is", () => {
    const scenario = path.join(dir, "scenario.yaml");
    const text = `${SHOP}manifests:\n  - fifo.yaml\n  - /dev/zero\n  - loop-a.yaml\n`;
    writeFileSync(scenario, text);
    const list = loadProblems(scenario);
    expect(list.map((p) => [p.file, p.line, p.field, p.message])).to.deep.equal([
      [scenario, lineOf(text, "fifo.yaml"), "manifests[0]", `manifest file ${path.join(dir, "fifo.yaml")} is a named pipe (FIFO); netproof reads only regular files`],
      [scenario, lineOf(text, "/dev/zero"), "manifests[1]", "manifest file /dev/zero is a device; netproof reads only regular files"],
      [scenario, lineOf(text, "loop-a"), "manifests[2]", `manifest file ${path.join(dir, "loop-a.yaml")} is a symbolic link loop (or a chain of too many links)`],
    ]);
  });
});
