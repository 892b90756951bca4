// Live labs, so that Ctrl-C, SIGTERM or a crash in the middle of a test still
// removes everything. Handlers are installed with the first lab; cleanup there
// must be synchronous (nothing asynchronous runs in an exit handler).

export interface Destroyable {
  destroySync(): void;
}

const live = new Set<Destroyable>();
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
    destroyAll();
    process.exit(code);
  };
  process.once("SIGINT", onSignal("SIGINT", 130));
  process.once("SIGTERM", onSignal("SIGTERM", 143));
}
