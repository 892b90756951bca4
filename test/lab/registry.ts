// Live labs, so that Ctrl-C, SIGTERM or a crash in the middle of a test still
// removes everything. Handlers are installed with the first lab; cleanup there
// must be synchronous (nothing asynchronous runs in an exit handler).

export interface Destroyable {
  destroySync(): void;
}

const live = new Set<Destroyable>();
const OWNER_GRACE_MS = 60_000;
let installed = false;

export function registerLab(lab: Destroyable): void {
  live.add(lab);
  install();
}

export function unregisterLab(lab: Destroyable): void {
  live.delete(lab);
}

function destroyAll(): void {
  for (const lab of [...live]) {
    try {
      lab.destroySync();
    } catch (err) {
      process.stderr.write(`netproof lab cleanup failed: ${String(err)}\n`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", destroyAll);
  const onSignal = (signal: NodeJS.Signals, code: number) => () => {
    // Another handler in this process (a netproof live run's) owns the signal:
    // it removes what it created through the lab and then exits with its own
    // code; the labs go in the exit handler then. Only if it never exits do
    // the labs go here.
    if (process.listenerCount(signal) > 1) {
      setTimeout(() => {
        destroyAll();
        process.exit(code);
      }, OWNER_GRACE_MS);
      return;
    }
    destroyAll();
    process.exit(code);
  };
  process.on("SIGINT", onSignal("SIGINT", 130));
  process.on("SIGTERM", onSignal("SIGTERM", 143));
}
