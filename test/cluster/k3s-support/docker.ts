// Test support for the k3s adapter's failure paths: a real Docker engine
// (.ci/run starts one), a tiny local image standing in for k3s's, and what
// a run left behind, looked up by its label.
import { execa } from "execa";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
  await ensureLocalImage(FAKE_K3S_IMAGE, ["/bin/busybox"], ["sh", "sleep", "mount", "cat"]);
}

/** Stands in for netshoot where the probe server runs: busybox (sh, ip, netstat, wget) and socat. */
export const SERVER_IMAGE = "netproof-test/server-lite:busybox-socat";

export async function ensureServerImage(): Promise<void> {
  const applets = (await execa("/bin/busybox", ["--list"])).stdout.split("\n").filter((a) => a && a !== "busybox");
  await ensureLocalImage(SERVER_IMAGE, ["/bin/busybox", "/usr/bin/socat"], applets);
}

/**
 * A kept k3s node as netproof reads it: a `k3s` script that answers
 * `kubectl config view --raw` and the readiness gate's reads of the
 * kube-router profile (node Ready, CoreDNS available) from fixed text.
 */
export const KEPT_NODE_IMAGE = "netproof-test/k3s-kept-standin:busybox";

const STANDIN_K3S = `#!/bin/sh
case "$*" in
  "kubectl config view --raw") cat <<'EOF'
apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: c3RhbmQtaW4=
    server: https://127.0.0.1:6443
  name: default
contexts:
- context: { cluster: default, user: default }
  name: default
current-context: default
kind: Config
users:
- name: default
  user: { token: stand-in }
EOF
  ;;
  "kubectl get nodes -o json") echo '{"items":[{"metadata":{"name":"standin"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}]}' ;;
  "kubectl get deployment -n kube-system coredns -o json") echo '{"status":{"availableReplicas":1,"conditions":[{"type":"Available","status":"True"}]}}' ;;
  *) echo "Error from server (NotFound): $*" >&2; exit 1 ;;
esac
`;

export async function ensureKeptNodeImage(): Promise<void> {
  await ensureLocalImage(KEPT_NODE_IMAGE, ["/bin/busybox"], ["sh", "sleep", "cat", "echo"], { "bin/k3s": STANDIN_K3S });
}

async function ensureLocalImage(
  image: string,
  binaries: readonly string[],
  applets: readonly string[],
  scripts: Readonly<Record<string, string>> = {},
): Promise<void> {
  const present = await execa("docker", ["image", "inspect", image], { reject: false });
  if (present.exitCode === 0) return;
  const root = mkdtempSync(join(tmpdir(), "netproof-image-"));
  const tar = `${root}.tar`;
  try {
    const files = new Set<string>();
    for (const binary of binaries) {
      files.add(binary);
      // A static binary (ldd: "not a dynamic executable") needs no libraries.
      for (const line of (await execa("ldd", [binary], { reject: false })).stdout.split("\n")) {
        const lib = /(\/\S+)\s+\(0x/.exec(line)?.[1];
        if (lib) files.add(lib);
      }
    }
    for (const file of files) {
      mkdirSync(join(root, dirname(file)), { recursive: true });
      copyFileSync(file, join(root, file));
    }
    for (const applet of applets) {
      if (!existsSync(join(root, "bin", applet))) symlinkSync("busybox", join(root, "bin", applet));
    }
    for (const [path, text] of Object.entries(scripts)) writeFileSync(join(root, path), text, { mode: 0o755 });
    mkdirSync(join(root, "tmp"), { mode: 0o1777 });
    chmodSync(join(root, "tmp"), 0o1777);
    await execa("tar", ["-C", root, "-cf", tar, "."]);
    await execa("docker", ["import", tar, image]);
  } finally {
    rmSync(tar, { force: true });
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
  const found = await leftBehind(runId).catch(() => undefined);
  if (!found) return; // no engine: the test itself has said so
  const { containers, networks } = found;
  if (containers.length > 0) await execa("docker", ["rm", "-f", ...containers], { reject: false });
  if (networks.length > 0) await execa("docker", ["network", "rm", ...networks], { reject: false });
}

/** Whether this engine refuses to start a privileged container (this sandbox does). */
export async function engineRefusesPrivileged(): Promise<boolean> {
  const name = `netproof-privileged-probe-${process.pid}`;
  const r = await execa("docker", ["run", "--rm", "--name", name, "--privileged", "--label", "app.kubernetes.io/managed-by=netproof", FAKE_K3S_IMAGE, "sh", "-c", "exit 0"], { reject: false, timeout: 30_000 });
  await execa("docker", ["rm", "-f", name], { reject: false });
  if (r.exitCode === 0) return false;
  if (/unable to apply caps|operation not permitted/.test(r.stderr)) return true;
  throw new Error(`docker run --privileged failed for another reason: ${r.stderr}`);
}
