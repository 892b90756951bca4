// A stand-in on a free port with its kubeconfig in a temp folder, for tests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackingCluster } from "./backing.ts";
import { HostCluster } from "./host-cluster.ts";
import { ApiStandIn, type StandInOptions } from "./server.ts";

export interface RunningStandIn {
  readonly standIn: ApiStandIn;
  readonly backing: BackingCluster;
  readonly kubeconfig: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startStandIn(options: Partial<StandInOptions> = {}): Promise<RunningStandIn> {
  const backing = options.backing ?? new HostCluster();
  const standIn = new ApiStandIn({ ...options, backing });
  await standIn.start(0);
  const dir = mkdtempSync(join(tmpdir(), "netproof-standin-"));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, standIn.kubeconfig());
  return {
    standIn,
    backing,
    kubeconfig,
    dir,
    async stop() {
      await standIn.close();
      await backing.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
