// netproof's exit codes (README "The command"):
//   0 every cell passed; 1 some cell failed (a CNI or expectation mismatch, or
//   flaky); 2 bad input or usage; 3 the cluster or the probes could not be run
//   (no cell failed, but some could not be probed), or an internal error.
export const EXIT = { ok: 0, mismatch: 1, usage: 2, infra: 3, internal: 3 } as const;
