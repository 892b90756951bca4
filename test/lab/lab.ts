// A network lab of Linux network namespaces: "pods" and "external" hosts, each
// its own namespace, joined by veth pairs to a dedicated switch namespace that
// routes between them. The host namespace is never changed, so the host's
// firewall (Docker's FORWARD DROP) never sees lab traffic, and no namespace has
// a route off the machine.
//
// The switch is a router, not a bridge (as Calico does it): every host has a
// /32 address and reaches everything through the gateway 169.254.1.1. The
// kernel's ARP table is shared by all namespaces (gc_thresh3 = 1024 entries in
// total): on a bridge, 30 clients x 30 servers overflow it and probes time out
// for no reason. Routed, every host needs one neighbour entry.
//
//   pods       10.77.0.10-.249, dnsmasq at 10.77.0.2
//   externals  .2-.254 of 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isIPv4 } from "node:net";
import type { Protocol } from "../../src/kube/protocol.ts";
import type { Transport } from "../../src/probe/types.ts";
import { serverArgv } from "../../src/probe/servers.ts";
import { ipBatch, nft, run, runSync } from "./commands.ts";
import { faultRuleset, type Fault, type ResolvedFault } from "./faults.ts";
import { LAB_ENV, labNamespaces, labProcesses } from "./leftovers.ts";
import { registerLab, unregisterLab } from "./registry.ts";
import { NetnsTransport } from "./transport.ts";
import { mapBounded } from "../../src/probe/pool.ts";

export interface LabPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface LabHostSpec {
  /** Lower-case letters, digits and dashes; also the DNS label `<name>.lab.test`. */
  readonly name: string;
  readonly ports?: readonly LabPort[];
  /** What the servers answer; default the name. */
  readonly identity?: string;
}

export interface LabExternalSpec extends LabHostSpec {
  /** In 192.0.2.0/24, 198.51.100.0/24 or 203.0.113.0/24, not .0, .1 or .255. */
  readonly address: string;
}

export interface LabSpec {
  readonly pods: readonly LabHostSpec[];
  readonly externals?: readonly LabExternalSpec[];
  /** Default: a fresh `np-<pid>-<random>-`. */
  readonly prefix?: string;
}

export const LAB_DOMAIN = "lab.test";
export const LAB_DNS_HOST = "dns";
const POD_NET = "10.77.0";
const DNS_ADDRESS = `${POD_NET}.2`;
const EXTERNAL_NETS = ["192.0.2", "198.51.100", "203.0.113"] as const;
const GATEWAY = "169.254.1.1";
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const MAX_PODS = 240;

interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  readonly identity: string;
  readonly ports: readonly LabPort[];
  readonly external: boolean;
}

interface Child {
  readonly what: string;
  readonly process: ChildProcess;
  stderr: string;
}

export class Lab {
  readonly prefix: string;
  readonly transport: Transport;
  readonly dnsServer = DNS_ADDRESS;
  private readonly hosts = new Map<string, LabHost>();
  private readonly children: Child[] = [];
  private readonly tempDir: string;
  private faults: Fault[] = [];
  private destroyed = false;

  private constructor(spec: LabSpec) {
    this.prefix = spec.prefix ?? `np-${process.pid}-${randomBytes(2).toString("hex")}-`;
    if (!/^[a-z0-9-]{1,24}$/.test(this.prefix)) throw new Error(`lab prefix ${this.prefix} must be short lower-case`);
    // Validate before anything exists that would need cleaning up.
    planHosts(spec, this.prefix).forEach((h) => this.hosts.set(h.name, h));
    registerLab(this);
    this.tempDir = mkdtempSync(join(labTempRoot(), this.prefix));
    this.transport = new NetnsTransport((client) => this.host(client).ns, {
      [LAB_ENV]: this.prefix,
      TMPDIR: this.tempDir,
    });
  }

  /** Builds the lab; on any failure everything created so far is removed again. */
  static async create(spec: LabSpec): Promise<Lab> {
    const lab = new Lab(spec);
    try {
      await lab.build();
      return lab;
    } catch (err) {
      await lab.destroy();
      throw err;
    }
  }

  /** Removed on destroy; lab processes get it as TMPDIR. */
  get tempDirectory(): string {
    return this.tempDir;
  }

  get switchNamespace(): string {
    return `${this.prefix}sw`;
  }

  get dnsNamespace(): string {
    return `${this.prefix}dns`;
  }

  address(name: string): string {
    return this.host(name).address;
  }

  namespace(name: string): string {
    return this.host(name).ns;
  }

  dnsName(name: string): string {
    this.host(name);
    return `${name}.${LAB_DOMAIN}`;
  }

  hostNames(): string[] {
    return [...this.hosts.keys()];
  }

  /** Adds a fault; faults stay until clearFaults(). */
  async fault(fault: Fault): Promise<void> {
    this.targetNamespace(fault.to);
    if (fault.from !== undefined) this.host(fault.from);
    this.faults.push(fault);
    await this.applyFaults([fault.to]);
  }

  /** Adds many faults with one nft call per target. */
  async faultAll(faults: readonly Fault[]): Promise<void> {
    for (const f of faults) {
      this.targetNamespace(f.to);
      if (f.from !== undefined) this.host(f.from);
    }
    this.faults.push(...faults);
    await this.applyFaults([...new Set(faults.map((f) => f.to))]);
  }

  async clearFaults(): Promise<void> {
    const targets = [...new Set(this.faults.map((f) => f.to))];
    this.faults = [];
    await this.applyFaults(targets);
  }

  /** Safe to call twice, and after a failed create. */
  async destroy(): Promise<void> {
    this.destroySync();
  }

  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const child of this.children) killGroup(child.process);
    for (const pid of labProcesses(this.prefix)) killPid(pid);
    const namespaces = labNamespaces(this.prefix);
    for (const ns of namespaces) {
      for (const pid of runSync("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean)) killPid(Number(pid));
    }
    if (namespaces.length > 0) {
      runSync("ip", ["-force", "-batch", "-"], namespaces.map((ns) => `netns del ${ns}`).join("\n") + "\n");
    }
    for (const h of this.hosts.values()) rmSync(`/etc/netns/${h.ns}`, { recursive: true, force: true });
    rmSync(this.tempDir, { recursive: true, force: true });
    unregisterLab(this);
  }

  /** The last lines each lab process wrote to stderr, for failing tests. */
  diagnostics(): string {
    return this.children.map((c) => `${c.what}: ${c.stderr.trim() || "(nothing)"}`).join("\n");
  }

  private host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host ${JSON.stringify(name)} (have ${[...this.hosts.keys()].join(", ")})`);
    return h;
  }

  private targetNamespace(to: string): string {
    return to === LAB_DNS_HOST ? this.dnsNamespace : this.host(to).ns;
  }

  private async applyFaults(targets: readonly string[]): Promise<void> {
    await mapBounded(targets, 8, async (to) => {
      const rules = this.faults
        .filter((f) => f.to === to)
        .map((f): ResolvedFault => ({
          ...(f.from !== undefined ? { fromAddress: this.address(f.from) } : {}),
          ...(f.port !== undefined ? { port: f.port } : {}),
          ...(f.protocol !== undefined ? { protocol: f.protocol } : {}),
          action: f.action,
        }));
      await nft(this.targetNamespace(to), faultRuleset(rules));
    });
  }

  private async build(): Promise<void> {
    const hosts = [...this.hosts.values()];
    const sw = this.switchNamespace;
    const dns = this.dnsNamespace;
    await ipBatch([sw, dns, ...hosts.map((h) => h.ns)].map((ns) => `netns add ${ns}`));

    // One veth per host; the switch answers ARP for the gateway address (on its
    // lo) and routes each host's /32 to its veth.
    const attached: [string, string][] = [[dns, DNS_ADDRESS], ...hosts.map((h): [string, string] => [h.ns, h.address])];
    const switchLines = [
      "link set lo up",
      `addr add ${GATEWAY}/32 dev lo`,
      ...attached.flatMap(([ns, address], i) => [
        `link add v${i} type veth peer name eth0 netns ${ns}`,
        `link set v${i} up`,
        `route add ${address}/32 dev v${i}`,
      ]),
    ];
    await ipBatch(switchLines, sw);
    await run("ip", ["netns", "exec", sw, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);

    const routes = [`${POD_NET}.0/24`, ...EXTERNAL_NETS.map((net) => `${net}.0/24`)].map(
      (net) => `route add ${net} via ${GATEWAY} dev eth0`,
    );
    await mapBounded(attached, 8, ([ns, address]) =>
      ipBatch(
        [
          "link set lo up",
          `addr add ${address}/32 dev eth0`,
          "link set eth0 up",
          `route add ${GATEWAY} dev eth0 scope link`,
          ...routes,
        ],
        ns,
      ),
    );

    this.writeResolvConf(hosts);
    this.startDns(hosts);
    for (const h of hosts) {
      if (h.ports.length > 0) this.startChild(`server ${h.name}`, h.ns, serverArgv(h.identity, h.ports));
    }
    await this.waitReady(hosts);
  }

  /** `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf: pods resolve through the lab DNS. */
  private writeResolvConf(hosts: readonly LabHost[]): void {
    if (!existsSync("/etc/resolv.conf")) return;
    for (const h of hosts) {
      mkdirSync(`/etc/netns/${h.ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${h.ns}/resolv.conf`, `nameserver ${DNS_ADDRESS}\n`);
    }
  }

  private startDns(hosts: readonly LabHost[]): void {
    this.startChild("dnsmasq", this.dnsNamespace, [
      "dnsmasq",
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      "--no-poll",
      "--pid-file=",
      "--log-facility=-",
      `--listen-address=${DNS_ADDRESS}`,
      "--bind-interfaces",
      // Lab names are answered here; every other name is NXDOMAIN.
      `--local=/${LAB_DOMAIN}/`,
      "--address=/#/",
      ...hosts.map((h) => `--host-record=${h.name}.${LAB_DOMAIN},${h.address}`),
    ]);
  }

  private startChild(what: string, ns: string, argv: readonly string[]): void {
    const child = spawn("ip", ["netns", "exec", ns, ...argv], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, [LAB_ENV]: this.prefix, TMPDIR: this.tempDir },
    });
    const entry: Child = { what, process: child, stderr: "" };
    child.stderr?.on("data", (chunk: Buffer) => {
      entry.stderr = (entry.stderr + chunk.toString("utf8")).slice(-4000);
    });
    child.on("error", (err) => {
      entry.stderr += `\n${err.message}`;
    });
    child.unref();
    this.children.push(entry);
  }

  /** Until every TCP/UDP listener (and dnsmasq) is up; SCTP may be unsupported. */
  private async waitReady(hosts: readonly LabHost[]): Promise<void> {
    const wanted: [string, string, readonly string[]][] = [
      ["dnsmasq", this.dnsNamespace, ["udp:53", "tcp:53"]],
      ...hosts
        .filter((h) => h.ports.length > 0)
        .map((h): [string, string, string[]] => [
          `server ${h.name}`,
          h.ns,
          h.ports.filter((p) => p.protocol !== "SCTP").map((p) => `${p.protocol.toLowerCase()}:${p.port}`),
        ]),
    ];
    const deadline = Date.now() + 10_000;
    await mapBounded(wanted, 8, async ([what, ns, sockets]) => {
      for (;;) {
        const listening = await listeningSockets(ns);
        if (sockets.every((s) => listening.has(s))) return;
        if (Date.now() > deadline) {
          throw new Error(`${what} in ${ns} did not start listening on ${sockets.join(", ")}\n${this.diagnostics()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    });
  }
}

async function listeningSockets(ns: string): Promise<Set<string>> {
  const out = await run("ip", ["netns", "exec", ns, "ss", "-Hlntu"]);
  const sockets = new Set<string>();
  for (const line of out.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const proto = fields[0];
    const port = fields[4]?.split(":").pop();
    if ((proto === "tcp" || proto === "udp") && port) sockets.add(`${proto}:${port}`);
  }
  return sockets;
}

function planHosts(spec: LabSpec, prefix: string): LabHost[] {
  if (spec.pods.length > MAX_PODS) throw new Error(`at most ${MAX_PODS} pods in a lab`);
  const names = new Set<string>();
  const checkName = (name: string) => {
    if (!HOST_NAME.test(name)) throw new Error(`lab host name ${JSON.stringify(name)}: lower-case letters, digits, dashes`);
    if (name === LAB_DNS_HOST) throw new Error(`lab host name ${LAB_DNS_HOST} is reserved for the DNS server`);
    if (names.has(name)) throw new Error(`lab host ${name} declared twice`);
    names.add(name);
  };
  const pods = spec.pods.map((p, i): LabHost => {
    checkName(p.name);
    return {
      name: p.name,
      ns: `${prefix}h-${p.name}`,
      address: `${POD_NET}.${10 + i}`,
      identity: p.identity ?? p.name,
      ports: p.ports ?? [],
      external: false,
    };
  });
  const addresses = new Set<string>();
  const externals = (spec.externals ?? []).map((e): LabHost => {
    checkName(e.name);
    const net = EXTERNAL_NETS.find((n) => e.address.startsWith(`${n}.`));
    const last = Number(e.address.split(".")[3]);
    if (!isIPv4(e.address) || net === undefined || last < 2 || last > 254 || addresses.has(e.address)) {
      throw new Error(`external ${e.name}: ${e.address} must be a free documentation address (.2-.254 of ${EXTERNAL_NETS.join(", ")})`);
    }
    addresses.add(e.address);
    return {
      name: e.name,
      ns: `${prefix}h-${e.name}`,
      address: e.address,
      identity: e.identity ?? e.name,
      ports: e.ports ?? [],
      external: true,
    };
  });
  return [...pods, ...externals];
}

/** tmpfs when there is one: the runner creates thousands of small files per round. */
export function labTempRoot(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Creates a lab, runs `body`, and destroys the lab whatever happens. */
export async function withLab<T>(spec: LabSpec, body: (lab: Lab) => Promise<T>): Promise<T> {
  const lab = await Lab.create(spec);
  try {
    return await body(lab);
  } finally {
    await lab.destroy();
  }
}
