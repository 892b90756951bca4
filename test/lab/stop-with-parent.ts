// mocha's bin/mocha.js runs the tests in a child process when node options are
// given (ours: --import=tsx), and forwards only SIGINT to it: SIGTERM to mocha
// killed the wrapper and left the suite running, orphaned, labs and all. The
// same happens one level up: SIGTERM to `npm test` reaches the `sh -c "…
// mocha"` npm runs, which dies without passing it on.
//
// Loaded into the test process (.mocharc.json `require`), this watches the
// processes above it that belong to the run (the mocha wrapper, and the sh and
// npm that started it) and, when one of them is gone, stops the run as SIGTERM
// would: the lab registry's handler removes every lab, and the process exits 143.
import { readFileSync } from "node:fs";

const MOCHA_CHILD = /(^|\/)mocha\/lib\/cli\/cli\.js$/;
/** An ancestor is part of the run while its command line names mocha or npm. */
const PART_OF_RUN = /(^|[\s/])(mocha|npm|npm-cli\.js)(\s|$)|mocha\/bin\/mocha\.js/;

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" ");
  } catch {
    return "";
  }
}

/** Alive and not a zombie. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The mocha wrapper, then each ancestor that is part of the same run. */
export function runAncestors(): number[] {
  const chain = [process.ppid];
  for (let pid = parentOf(process.ppid); pid !== undefined && pid > 1 && chain.length < 8; pid = parentOf(pid)) {
    if (!PART_OF_RUN.test(commandLine(pid))) break;
    chain.push(pid);
  }
  return chain;
}

if (MOCHA_CHILD.test(process.argv[1] ?? "")) {
  const watched = runAncestors();
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && watched.every(running)) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, 200);
  timer.unref();
}
