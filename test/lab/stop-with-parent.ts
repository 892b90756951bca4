// mocha's bin/mocha.js runs the tests in a child process when node options are
// given (ours: --import=tsx), and forwards only SIGINT to it: SIGTERM to mocha
// killed the wrapper and left the suite running, orphaned, labs and all.
// Loaded into that child (.mocharc.json `require`), this notices the wrapper is
// gone and stops the run as SIGTERM would: the lab registry's handler removes
// every lab, and the process exits 143.
const MOCHA_CHILD = /(^|\/)mocha\/lib\/cli\/cli\.js$/;

const parent = process.ppid;
if (MOCHA_CHILD.test(process.argv[1] ?? "")) {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, 200);
  timer.unref();
}
