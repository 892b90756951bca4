// Reading the files a scenario names. Only regular files under a size limit
// are read: a FIFO, a device such as /dev/zero, a symlink loop or a huge file
// gets its own message instead of a hang or an exhausted heap.

import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";

export const MAX_FILE_BYTES = 4 * 1024 * 1024;
const LIMIT_TEXT = "4 MiB";

/** A file netproof will not or cannot read; `reason` completes "<file> ...". */
export class UnreadableFile extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly hint?: string,
  ) {
    super(`${file} ${reason}`);
    this.name = "UnreadableFile";
  }
}

/** Where scenario and manifest files come from: the disk, or memory in tests. */
export interface SourceFiles {
  /** The text of a regular file; throws UnreadableFile. */
  read(file: string): string;
  /** The entry names of `dir` when it is a folder (unsorted); undefined when it is not one. */
  folder(dir: string): readonly string[] | undefined;
}

export const diskFiles: SourceFiles = { read: readSourceFile, folder: folderEntries };

export function readSourceFile(file: string): string {
  refuseIrregular(file, statExplained(file));
  let fd: number;
  try {
    // O_NONBLOCK: should the path become a FIFO after the stat, opening it must not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw explainErrno(file, error);
  }
  try {
    refuseIrregular(file, fstatSync(fd));
    return decode(file, readAtMostLimit(file, fd));
  } finally {
    closeSync(fd);
  }
}

function folderEntries(dir: string): readonly string[] | undefined {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch {
    return undefined; // read() explains what is wrong with the path
  }
  if (!stats.isDirectory()) return undefined;
  try {
    return readdirSync(dir);
  } catch (error) {
    throw explainErrno(dir, error);
  }
}

function statExplained(file: string): Stats {
  try {
    return statSync(file);
  } catch (error) {
    throw explainErrno(file, error);
  }
}

function refuseIrregular(file: string, stats: Stats): void {
  const only = "netproof reads only regular files";
  if (stats.isFile()) {
    if (stats.size > MAX_FILE_BYTES) throw tooLarge(file, stats.size);
    return;
  }
  if (stats.isDirectory()) throw new UnreadableFile(file, "is a folder, not a file");
  if (stats.isFIFO()) throw new UnreadableFile(file, `is a named pipe (FIFO); ${only}`);
  if (stats.isCharacterDevice() || stats.isBlockDevice()) throw new UnreadableFile(file, `is a device; ${only}`);
  if (stats.isSocket()) throw new UnreadableFile(file, `is a socket; ${only}`);
  throw new UnreadableFile(file, `is not a regular file; ${only}`);
}

function tooLarge(file: string, bytes: number): UnreadableFile {
  const size = bytes > MAX_FILE_BYTES ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : "larger than the limit";
  return new UnreadableFile(file, `is ${size}; netproof reads files of at most ${LIMIT_TEXT}`, "split it into several files (a manifests entry may name a folder)");
}

// The size from stat may be stale (a growing file): never read past the limit.
function readAtMostLimit(file: string, fd: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    total += n;
    if (total > MAX_FILE_BYTES) throw tooLarge(file, total);
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, total);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decode(file: string, bytes: Buffer): string {
  if (bytes.includes(0)) throw new UnreadableFile(file, "holds NUL bytes: it is a binary file, not YAML or JSON");
  try {
    return utf8.decode(bytes);
  } catch {
    throw new UnreadableFile(file, "is not UTF-8 text", "save it as UTF-8");
  }
}

function explainErrno(file: string, error: unknown): UnreadableFile {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return isSymlink(file) ? new UnreadableFile(file, "is a symbolic link to a file that does not exist") : new UnreadableFile(file, "not found");
    case "ELOOP":
      return new UnreadableFile(file, "is a symbolic link loop (or a chain of too many links)");
    case "ENOTDIR":
      return new UnreadableFile(file, "not found: a part of its path is a file, not a folder");
    case "EACCES":
    case "EPERM":
      return new UnreadableFile(file, "cannot be read: permission denied");
    case "ENAMETOOLONG":
      return new UnreadableFile(file, "cannot be read: the path is too long");
    case "EISDIR":
      return new UnreadableFile(file, "is a folder, not a file");
    default:
      return new UnreadableFile(file, `cannot be read (${code ?? (error as Error).message})`);
  }
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
