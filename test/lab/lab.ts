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
// A lab is built from a spec and can grow and shrink afterwards (addHosts,
// removeHost): the lab adapter (test/cluster) puts pods on it as they are applied.
//
//   pods       10.42.0.10-.249 (inside k3s's pod range 10.42.0.0/16, so
//              scenarios that name it mean the same here), dnsmasq at 10.42.0.2
//   services   10.96.0.0/16, DNAT'd by the switch (setServices)
//   externals  .2-.254 of 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isIPv4 } from "node:net";
import type { Protocol } from "../../src/kube/protocol.ts";
import type { Transport } from "../../src/probe/types.ts";
import { serverArgv } from "../../src/probe/servers.ts";
import { ipBatch, nft, run, runSync } from "./commands.ts";
import { faultRuleset, type Fault, type ResolvedFault } from "./faults.ts";
import { LAB_ENV, reclaimLeftovers, removeLeftovers } from "./leftovers.ts";
import { registerLab, unregisterLab } from "./registry.ts";
import { SERVICE_NET, serviceRuleset, type ServiceRule } from "./services.ts";
import { NetnsTransport } from "./transport.ts";
import { mapBounded } from "../../src/probe/pool.ts";

export interface LabPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface LabHostSpec {
  /** Lower-case letters, digits and dashes; also the DNS label `<name>.lab.test`. */
  readonly name: string;
  /** The netproof server listens on these (none: no server). */
  readonly ports?: readonly LabPort[];
  /** What the servers answer; default the name. */
  readonly identity?: string;
  /** The host's /etc/resolv.conf; default: the lab's DNS server only. */
  readonly resolvConf?: string;
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

export interface DnsRecord {
  readonly name: string;
  readonly address: string;
}

/** A process the lab started in one of its hosts. */
export interface LabProcess {
  readonly pid: number | undefined;
  /** Resolves when it ends: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: string | null }>;
  running(): boolean;
  /** The last few KB it wrote to stderr. */
  stderrTail(): string;
}

export const LAB_DOMAIN = "lab.test";
export const LAB_DNS_HOST = "dns";
const POD_NET = "10.42.0";
const DNS_ADDRESS = `${POD_NET}.2`;
const EXTERNAL_NETS = ["192.0.2", "198.51.100", "203.0.113"] as const;
const GATEWAY = "169.254.1.1";
const HOST_NAME = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const FIRST_POD = 10;
const LAST_POD = 249;
const MAX_PODS = LAST_POD - FIRST_POD + 1;

interface LabHost {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  readonly identity: string;
  readonly ports: readonly LabPort[];
  readonly external: boolean;
  readonly resolvConf: string;
}

interface Child {
  readonly what: string;
  readonly host: string | undefined;
  readonly process: ChildProcess;
  stderr: string;
}

export class Lab {
  readonly prefix: string;
  readonly transport: Transport;
  readonly dnsServer = DNS_ADDRESS;
  readonly gateway = GATEWAY;
  private readonly hosts = new Map<string, LabHost>();
  private readonly children: Child[] = [];
  private readonly tempDir: string;
  private faults: Fault[] = [];
  private dnsRecords = new Map<string, readonly DnsRecord[]>();
  private dnsGeneration = 0;
  private dnsProcess: ChildProcess | undefined;
  private nextPod = FIRST_POD;
  private nextLink = 0;
  private destroyed = false;
  /** Set by destroy(): operations in flight stop at their next step. */
  private closing = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private faultWrites: Promise<void> = Promise.resolve();

  private constructor(spec: LabSpec) {
    this.prefix = spec.prefix ?? `np-${process.pid}-${randomBytes(2).toString("hex")}-`;
    if (!/^[a-z0-9-]{1,24}$/.test(this.prefix)) throw new Error(`lab prefix ${this.prefix} must be short lower-case`);
    // Validate before anything exists that would need cleaning up.
    this.planHosts(spec.pods, spec.externals ?? [], false);
    reclaimLeftovers();
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
      await lab.buildBase();
      await lab.addHosts(spec.pods, spec.externals ?? []);
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

  hasHost(name: string): boolean {
    return this.hosts.has(name);
  }

  /**
   * Adds hosts to a running lab: their namespaces, links, DNS names and
   * servers, ready when this resolves. On failure the new hosts are removed again.
   */
  async addHosts(pods: readonly LabHostSpec[], externals: readonly LabExternalSpec[] = []): Promise<void> {
    this.assertAlive();
    const added = this.planHosts(pods, externals, true);
    if (added.length === 0) return;
    added.forEach((h) => this.hosts.set(h.name, h));
    await this.track(async () => {
      try {
        await this.attach(added);
        this.assertAlive();
        for (const h of added) {
          if (h.ports.length > 0) this.startChild(`server ${h.name}`, h.name, h.ns, serverArgv(h.identity, h.ports));
        }
        await this.reloadDns();
        await this.waitReady(added.filter((h) => h.ports.length > 0));
      } catch (err) {
        for (const h of added) await this.removeHost(h.name).catch(() => undefined);
        throw err;
      }
    });
  }

  /** Removes a host with its processes, link, DNS name and the faults that name it. */
  async removeHost(name: string): Promise<void> {
    const h = this.hosts.get(name);
    if (!h || this.destroyed) return;
    this.hosts.delete(name);
    for (const child of this.children.filter((c) => c.host === name)) killGroup(child.process);
    this.children.splice(0, this.children.length, ...this.children.filter((c) => c.host !== name));
    for (const pid of runSync("ip", ["netns", "pids", h.ns]).stdout.split(/\s+/).filter(Boolean)) killPid(Number(pid));
    // Deleting the namespace deletes its veth end, the peer in the switch, and the route.
    runSync("ip", ["netns", "del", h.ns]);
    rmSync(`/etc/netns/${h.ns}`, { recursive: true, force: true });
    const touched = this.faults.filter((f) => f.to === name || f.from === name);
    if (touched.length > 0) {
      this.faults = this.faults.filter((f) => !touched.includes(f));
      await this.applyFaults([...new Set(touched.map((f) => f.to))].filter((to) => to === LAB_DNS_HOST || this.hosts.has(to)));
    }
    await this.reloadDns();
  }

  /** Starts argv in a host's namespace as a lab process (stopped with the host or the lab). */
  spawnIn(host: string, what: string, argv: readonly string[], env: Readonly<Record<string, string>> = {}): LabProcess {
    this.assertAlive();
    const h = this.host(host);
    return this.startChild(what, h.name, h.ns, argv, env);
  }

  /** `tcp:<port>` and `udp:<port>` for every socket listening in a host. */
  async listening(host: string): Promise<Set<string>> {
    return listeningSockets(this.host(host).ns);
  }

  /** Replaces one group of DNS records (the lab's own `<host>.lab.test` names are another); resolves once dnsmasq answers them. */
  async setDnsRecords(group: string, records: readonly DnsRecord[]): Promise<void> {
    this.assertAlive();
    this.dnsRecords.set(group, records);
    await this.reloadDns();
  }

  /** Replaces the Service DNAT rules in the switch. */
  async setServices(rules: readonly ServiceRule[]): Promise<void> {
    this.assertAlive();
    await nft(this.switchNamespace, serviceRuleset(rules, GATEWAY));
  }

  /** Adds a fault; faults stay until clearFaults(). */
  async fault(fault: Fault): Promise<void> {
    this.checkFault(fault);
    this.faults.push(fault);
    await this.applyFaults([fault.to]);
  }

  /** Adds many faults with one nft call per target. */
  async faultAll(faults: readonly Fault[]): Promise<void> {
    faults.forEach((f) => this.checkFault(f));
    this.faults.push(...faults);
    await this.applyFaults([...new Set(faults.map((f) => f.to))]);
  }

  /** Replaces every fault; only the targets whose rules change are touched. */
  async setFaults(faults: readonly Fault[]): Promise<void> {
    faults.forEach((f) => this.checkFault(f));
    const rules = (list: readonly Fault[], to: string) => JSON.stringify(list.filter((f) => f.to === to));
    const targets = [...new Set([...this.faults, ...faults].map((f) => f.to))].filter(
      (to) => rules(this.faults, to) !== rules(faults, to),
    );
    this.faults = [...faults];
    await this.applyFaults(targets);
  }

  async clearFaults(): Promise<void> {
    await this.setFaults([]);
  }

  /** Safe to call twice, and after a failed create. */
  async destroy(): Promise<void> {
    // Let commands in flight finish first: an `ip netns add` still running
    // after the sweep would leave a namespace behind.
    this.closing = true;
    await Promise.allSettled([...this.inFlight, this.faultWrites]);
    this.destroySync();
  }

  destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const child of this.children) killGroup(child.process);
    removeLeftovers(this.prefix);
    rmSync(this.tempDir, { recursive: true, force: true });
    unregisterLab(this);
  }

  /** The last lines each lab process wrote to stderr, for failing tests. */
  diagnostics(): string {
    return this.children.map((c) => `${c.what}: ${c.stderr.trim() || "(nothing)"}`).join("\n");
  }

  private assertAlive(): void {
    if (this.destroyed || this.closing) throw new Error(`lab ${this.prefix} is destroyed`);
  }

  private track<T>(body: () => Promise<T>): Promise<T> {
    const p = body();
    this.inFlight.add(p);
    void p.catch(() => undefined).finally(() => this.inFlight.delete(p));
    return p;
  }

  private host(name: string): LabHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no lab host ${JSON.stringify(name)} (have ${[...this.hosts.keys()].join(", ")})`);
    return h;
  }

  private checkFault(f: Fault): void {
    this.targetNamespace(f.to);
    if (f.from !== undefined) this.host(f.from);
  }

  private targetNamespace(to: string): string {
    return to === LAB_DNS_HOST ? this.dnsNamespace : this.host(to).ns;
  }

  /** One write at a time, each from the faults as they are when it runs: the last state wins. */
  private applyFaults(targets: readonly string[]): Promise<void> {
    const write = this.faultWrites.then(() =>
      mapBounded(targets, 8, async (to) => {
        if (this.destroyed || (to !== LAB_DNS_HOST && !this.hosts.has(to))) return;
        const rules = this.faults
          .filter((f) => f.to === to && (f.from === undefined || this.hosts.has(f.from)))
          .map((f): ResolvedFault => ({
            ...(f.from !== undefined ? { fromAddress: this.address(f.from) } : {}),
            ...(f.port !== undefined ? { port: f.port } : {}),
            ...(f.protocol !== undefined ? { protocol: f.protocol } : {}),
            action: f.action,
          }));
        await nft(this.targetNamespace(to), faultRuleset(rules));
      }).then(() => undefined),
    );
    this.faultWrites = write.catch(() => undefined);
    return write;
  }

  /** The switch and the DNS server; hosts come with addHosts. */
  private async buildBase(): Promise<void> {
    const sw = this.switchNamespace;
    await ipBatch([`netns add ${sw}`, `netns add ${this.dnsNamespace}`]);
    await ipBatch(["link set lo up", `addr add ${GATEWAY}/32 dev lo`], sw);
    await run("ip", ["netns", "exec", sw, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"]);
    await this.attachLinks([[this.dnsNamespace, DNS_ADDRESS]]);
    this.writeHostsFile();
    this.startDns();
    await this.waitListening("dnsmasq", this.dnsNamespace, ["udp:53", "tcp:53"], Date.now() + 10_000);
  }

  private async attach(hosts: readonly LabHost[]): Promise<void> {
    await ipBatch(hosts.map((h) => `netns add ${h.ns}`));
    await this.attachLinks(hosts.map((h): [string, string] => [h.ns, h.address]));
    this.writeResolvConf(hosts);
  }

  /** One veth per host; the switch answers ARP for the gateway (on its lo) and routes each host's /32 to its veth. */
  private async attachLinks(attached: readonly (readonly [string, string])[]): Promise<void> {
    const switchLines = attached.flatMap(([ns, address]) => {
      const link = `v${this.nextLink++}`;
      return [`link add ${link} type veth peer name eth0 netns ${ns}`, `link set ${link} up`, `route add ${address}/32 dev ${link}`];
    });
    await ipBatch(switchLines, this.switchNamespace);
    const routes = [`${POD_NET}.0/24`, SERVICE_NET, ...EXTERNAL_NETS.map((net) => `${net}.0/24`)].map(
      (net) => `route add ${net} via ${GATEWAY} dev eth0`,
    );
    await mapBounded(attached, 8, ([ns, address]) =>
      ipBatch(
        ["link set lo up", `addr add ${address}/32 dev eth0`, "link set eth0 up", `route add ${GATEWAY} dev eth0 scope link`, ...routes],
        ns,
      ),
    );
  }

  /** `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf: hosts resolve through the lab DNS. */
  private writeResolvConf(hosts: readonly LabHost[]): void {
    if (!existsSync("/etc/resolv.conf")) return;
    for (const h of hosts) {
      mkdirSync(`/etc/netns/${h.ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${h.ns}/resolv.conf`, h.resolvConf);
    }
  }

  private get hostsFile(): string {
    return join(this.tempDir, "hosts");
  }

  /**
   * dnsmasq reads its names from a hosts file and re-reads it on SIGHUP. Each
   * version carries a generation name, so that we know when dnsmasq has read it.
   */
  private writeHostsFile(): void {
    const generation = generationName(++this.dnsGeneration);
    const records: DnsRecord[] = [
      { name: generation, address: DNS_ADDRESS },
      ...[...this.hosts.values()].map((h) => ({ name: `${h.name}.${LAB_DOMAIN}`, address: h.address })),
      ...[...this.dnsRecords.values()].flat(),
    ];
    // Written whole and renamed: dnsmasq never reads half a file.
    writeFileSync(`${this.hostsFile}.new`, records.map((r) => `${r.address} ${r.name}\n`).join(""));
    renameSync(`${this.hostsFile}.new`, this.hostsFile);
  }

  /** Resolves once dnsmasq answers the latest names (also when several reloads overlap). */
  private async reloadDns(): Promise<void> {
    const dns = this.dnsProcess;
    if (dns?.pid === undefined || this.destroyed) return;
    this.writeHostsFile();
    dns.kill("SIGHUP");
    const deadline = Date.now() + 10_000;
    for (;;) {
      const wanted = this.dnsGeneration;
      const answer = await run("ip", [
        "netns", "exec", this.dnsNamespace, "dig", "+short", "+time=1", "+tries=1", `@${DNS_ADDRESS}`, generationName(wanted),
      ]).catch(() => "");
      if (this.destroyed) return;
      if (answer.trim() === DNS_ADDRESS) return;
      if (Date.now() > deadline) throw new Error(`dnsmasq did not reload its names\n${this.diagnostics()}`);
      await sleep(20);
    }
  }

  private startDns(): void {
    const { process: child } = this.spawnChild("dnsmasq", undefined, this.dnsNamespace, [
      "dnsmasq",
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      "--no-poll",
      "--pid-file=",
      "--log-facility=-",
      // It re-reads the hosts file from our private temp dir on SIGHUP.
      "--user=root",
      `--listen-address=${DNS_ADDRESS}`,
      "--bind-interfaces",
      // Lab and cluster names are answered here; every other name is NXDOMAIN.
      `--local=/${LAB_DOMAIN}/`,
      "--local=/cluster.local/",
      "--address=/#/",
      `--addn-hosts=${this.hostsFile}`,
    ]);
    this.dnsProcess = child;
  }

  private startChild(
    what: string,
    host: string | undefined,
    ns: string,
    argv: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): LabProcess {
    const { process: child, exited } = this.spawnChild(what, host, ns, argv, env);
    const entry = this.children[this.children.length - 1];
    return {
      pid: child.pid,
      exited,
      running: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined,
      stderrTail: () => entry?.stderr ?? "",
    };
  }

  private spawnChild(
    what: string,
    host: string | undefined,
    ns: string,
    argv: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): { process: ChildProcess; exited: LabProcess["exited"] } {
    const child = spawn("ip", ["netns", "exec", ns, ...argv], {
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...env, [LAB_ENV]: this.prefix, TMPDIR: this.tempDir },
    });
    const entry: Child = { what, host, process: child, stderr: "" };
    child.stderr?.on("data", (chunk: Buffer) => {
      entry.stderr = (entry.stderr + chunk.toString("utf8")).slice(-4000);
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      child.on("error", (err) => {
        entry.stderr += `\n${err.message}`;
        resolve({ code: null, signal: null });
      });
      // 'exit' can come before the last of stderr has been read: wait for the
      // stream to end, but not for long (a background child may hold it open).
      child.on("exit", (code, signal) => {
        const done = () => resolve({ code, signal });
        if (child.stderr === null || child.stderr.readableEnded) return done();
        const grace = setTimeout(done, 500);
        grace.unref();
        child.stderr.once("end", () => {
          clearTimeout(grace);
          done();
        });
      });
    });
    child.unref();
    this.children.push(entry);
    return { process: child, exited };
  }

  /** Until every TCP/UDP listener is up; SCTP may be unsupported. */
  private async waitReady(hosts: readonly LabHost[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    await mapBounded(hosts, 8, (h) =>
      this.waitListening(
        `server ${h.name}`,
        h.ns,
        h.ports.filter((p) => p.protocol !== "SCTP").map((p) => `${p.protocol.toLowerCase()}:${p.port}`),
        deadline,
      ),
    );
  }

  private async waitListening(what: string, ns: string, sockets: readonly string[], deadline: number): Promise<void> {
    for (;;) {
      const listening = await listeningSockets(ns);
      if (sockets.every((s) => listening.has(s))) return;
      if (Date.now() > deadline) {
        throw new Error(`${what} in ${ns} did not start listening on ${sockets.join(", ")}\n${this.diagnostics()}`);
      }
      await sleep(25);
    }
  }

  /** Checks names and addresses, and assigns pod addresses; creates nothing. */
  private planHosts(pods: readonly LabHostSpec[], externals: readonly LabExternalSpec[], commit: boolean): LabHost[] {
    const podCount = [...this.hosts.values()].filter((h) => !h.external).length;
    if (podCount + pods.length > MAX_PODS) throw new Error(`at most ${MAX_PODS} pods in a lab`);
    const names = new Set(this.hosts.keys());
    const checkName = (name: string) => {
      if (!HOST_NAME.test(name)) throw new Error(`lab host name ${JSON.stringify(name)}: lower-case letters, digits, dashes`);
      if (name === LAB_DNS_HOST) throw new Error(`lab host name ${LAB_DNS_HOST} is reserved for the DNS server`);
      if (names.has(name)) throw new Error(`lab host ${name} declared twice`);
      names.add(name);
    };
    const used = new Set([...this.hosts.values()].map((h) => h.address));
    const defaultResolvConf = `nameserver ${DNS_ADDRESS}\n`;
    let cursor = this.nextPod;
    const planned = pods.map((p): LabHost => {
      checkName(p.name);
      // Fresh addresses first (a re-created pod gets a new IP, as on a cluster); wrap when the range is used up.
      while (used.has(`${POD_NET}.${cursor}`)) cursor = cursor >= LAST_POD ? FIRST_POD : cursor + 1;
      const address = `${POD_NET}.${cursor}`;
      used.add(address);
      cursor = cursor >= LAST_POD ? FIRST_POD : cursor + 1;
      return {
        name: p.name,
        ns: `${this.prefix}h-${p.name}`,
        address,
        identity: p.identity ?? p.name,
        ports: p.ports ?? [],
        external: false,
        resolvConf: p.resolvConf ?? defaultResolvConf,
      };
    });
    const externalHosts = externals.map((e): LabHost => {
      checkName(e.name);
      if (!isLabExternalAddress(e.address) || used.has(e.address)) {
        throw new Error(`external ${e.name}: ${e.address} must be a free documentation address (.2-.254 of ${EXTERNAL_NETS.join(", ")})`);
      }
      used.add(e.address);
      return {
        name: e.name,
        ns: `${this.prefix}h-${e.name}`,
        address: e.address,
        identity: e.identity ?? e.name,
        ports: e.ports ?? [],
        external: true,
        resolvConf: e.resolvConf ?? defaultResolvConf,
      };
    });
    if (commit) this.nextPod = cursor;
    return [...planned, ...externalHosts];
  }
}

/** Whether the lab can put an external host at this address. */
export function isLabExternalAddress(address: string): boolean {
  const net = EXTERNAL_NETS.find((n) => address.startsWith(`${n}.`));
  const last = Number(address.split(".")[3]);
  return isIPv4(address) && net !== undefined && last >= 2 && last <= 254;
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

/** tmpfs when there is one: the runner creates thousands of small files per round. */
export function labTempRoot(): string {
  return existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
}

function generationName(generation: number): string {
  return `g${generation}.reload.${LAB_DOMAIN}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
