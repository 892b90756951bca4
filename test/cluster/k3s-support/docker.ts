// Test support for the k3s adapter's failure paths: a real Docker engine
// (.ci/run starts one), a tiny local image standing in for k3s's, and what
// a run left behind, looked up by its label.
import { execa } from "execa";
import { mkdtempSync, rmSync, mkdirSync, copyFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { RUN_LABEL } from "../../../src/cluster/port.ts";

/** Not pullable from anywhere: it exists only after `docker import` here. */
export const FAKE_K3S_IMAGE = "netproof-test/k3s-fake:busybox";

/** Fails (never skips) when no engine answers: .ci/run provides one. */
export async function requireDocker(): Promise<void> {
  const r = await execa("docker", ["version", "--format", "{{.Server.Version}}"], { reject: false, timeout: 15_000 });
  if (r.exitCode !== 0) {
    throw new Error(
      `these tests need a running Docker engine (docker version: ${String(r.stderr || r.message).split("\n")[0] ?? ""}); ` +
        "run them through .ci/run, which installs Debian's docker.io and starts dockerd, or start one yourself",
    );
  }
}

/**
 * A local image of busybox and the libraries it links, so a container of it
 * can be created (and, unprivileged, run). Made with `docker import`.
 */
export async function ensureFakeK3sImage(): Promise<void> {
  const present = await execa("docker", ["image", "inspect", FAKE_K3S_IMAGE], { reject: false });
  if (present.exitCode === 0) return;
  const root = mkdtempSync(join(tmpdir(), "netproof-fake-k3s-"));
  try {
    const busybox = "/bin/busybox";
    const libs = (await execa("ldd", [busybox])).stdout
      .split("\n")
      .map((l) => /(\/\S+)\s+\(0x/.exec(l)?.[1])
      .filter((p): p is string => p !== undefined);
    for (const file of [busybox, ...libs]) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      copyFileSync(file, join(root, file));
    }
    for (const applet of ["sh", "sleep", "mount", "cat"]) symlinkSync("busybox", join(root, "bin", applet));
    const tar = join(root, "..", `${root.split("/").pop()}.tar`);
    await execa("tar", ["-C", root, "-cf", tar, "."]);
    try {
      await execa("docker", ["import", tar, FAKE_K3S_IMAGE]);
    } finally {
      rmSync(tar, { force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Containers and networks (ids) carrying the run's label. */
export async function leftBehind(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filter = `label=${RUN_LABEL}=${runId}`;
  const c = await execa("docker", ["ps", "-aq", "--filter", filter]);
  const n = await execa("docker", ["network", "ls", "-q", "--filter", filter]);
  const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
  return { containers: lines(c.stdout), networks: lines(n.stdout) };
}

/** Removes whatever a failed test left, so one failure does not spill into the next. */
export async function removeLeftovers(runId: string): Promise<void> {
  const { containers, networks } = await leftBehind(runId);
  if (containers.length > 0) await execa("docker", ["rm", "-f", ...containers], { reject: false });
  if (networks.length > 0) await execa("docker", ["network", "rm", ...networks], { reject: false });
}

/** Whether this engine refuses to start a privileged container (this sandbox does). */
export async function engineRefusesPrivileged(): Promise<boolean> {
  const name = `netproof-privileged-probe-${process.pid}`;
  const r = await execa("docker", ["run", "--rm", "--name", name, "--privileged", "--label", "app.kubernetes.io/managed-by=netproof", FAKE_K3S_IMAGE, "true"], { reject: false, timeout: 30_000 });
  await execa("docker", ["rm", "-f", name], { reject: false });
  if (r.exitCode === 0) return false;
  if (/unable to apply caps|operation not permitted/.test(r.stderr)) return true;
  throw new Error(`docker run --privileged failed for another reason: ${r.stderr}`);
}
