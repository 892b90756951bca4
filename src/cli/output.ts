// Reports of hundreds of megabytes go to stdout as they are made. Node's
// stdout to a pipe is asynchronous: every write that the reader has not taken
// yet waits in memory (a 180 MB report held 1.8 GB). So reports are written
// synchronously to the file descriptor, waiting out a full pipe.

import { writeSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

/** A write function for a report: synchronous, bounded memory; a reader that went away (EPIPE) ends the output quietly. */
export function fdWriter(fd: number): (chunk: string) => void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let closed = false;
  return (chunk) => {
    if (closed) return;
    const bytes = Buffer.from(chunk, "utf8");
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "EAGAIN") {
          // A non-blocking pipe is full: give the reader a moment.
          Atomics.wait(pause, 0, 0, 5);
          continue;
        }
        if (code === "EPIPE") {
          closed = true;
          return;
        }
        throw error;
      }
    }
  };
}

/**
 * The report writer for stdout. Only the main thread owns fd 1: a worker
 * thread's `process.stdout` is a stream to its parent, so there writing to the
 * descriptor would bypass it.
 */
export function stdoutWriter(): (chunk: string) => void {
  if (!isMainThread) return (chunk) => void process.stdout.write(chunk);
  return fdWriter(1);
}
