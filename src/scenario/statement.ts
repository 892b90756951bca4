// The statement grammar, one string each:
//   <from> -> <target>[:<port>][/<proto>] [<METHOD> <path> [<status>]]
// Parsing is purely syntactic; names are resolved later against the scenario.

import { canonicalIp } from "../kube/cidr.ts";
import { DNS1123_LABEL_FMT, isPortName, valid } from "../kube/names.ts";
import { isPortNumber } from "../kube/ports.ts";

export const STATEMENT_GRAMMAR =
  "a statement is `<from> -> <target>[:<port>][/<proto>] [<METHOD> <path> [<status>]]`, e.g. `web -> api:8080/tcp`, " +
  "`* -> shop/web:80`, `web -> dns:kubernetes.default.svc.cluster.local`, `api -> external:payments:443`, " +
  "`web -> service:api:http`, `web -> api:8080/http GET /healthz 200`";

/** A workload or a group, as written. */
export type RefPattern =
  | { readonly kind: "all" }
  | { readonly kind: "namespace"; readonly namespace: string }
  | { readonly kind: "workload"; readonly ref: string };

export type TargetSyntax =
  | { readonly kind: "workloads"; readonly pattern: RefPattern }
  | { readonly kind: "service"; readonly ref: string }
  | { readonly kind: "dns"; readonly name: string }
  | { readonly kind: "external-name"; readonly name: string }
  | { readonly kind: "address"; readonly address: string };

export type ProtoSyntax = "tcp" | "udp" | "sctp" | "http";

export interface StatementSyntax {
  readonly from: RefPattern;
  readonly target: TargetSyntax;
  /** Absent: every served port of the target. */
  readonly port?: number | string;
  /** Absent: not written (tcp, or the named port's protocol). */
  readonly proto?: ProtoSyntax;
  readonly http?: { readonly method: string; readonly path: string; readonly status?: number };
}

export type ParseResult = { ok: true; statement: StatementSyntax } | { ok: false; message: string };

const REF = new RegExp(`^(${DNS1123_LABEL_FMT}/)?${DNS1123_LABEL_FMT}$`);
const NAMESPACE_GROUP = new RegExp(`^(${DNS1123_LABEL_FMT})/\\*$`);
const DNS_NAME = /^(?=.{1,253}\.?$)([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?)*\.?$/;
const PORT_PROTO = /^([^/]+)(?:\/([A-Za-z]+))?$/;

export function parseStatement(text: string): ParseResult {
  const sides = text.split("->");
  if (sides.length !== 2) return fail(`expected exactly one "->" in "${text}"`);
  const fromText = (sides[0] ?? "").trim();
  const words = (sides[1] ?? "").trim().split(/\s+/).filter((w) => w !== "");
  if (fromText === "" || words.length === 0) return fail(`"${text}" needs a source and a target on both sides of "->"`);
  const from = parsePattern(fromText, "source");
  if (typeof from === "string") return fail(from);
  const [targetText = "", ...rest] = words;
  const target = parseTarget(targetText);
  if (typeof target === "string") return fail(target);
  const http = parseHttp(rest, target.proto);
  if (typeof http === "string") return fail(http);
  const statement: StatementSyntax = {
    from,
    target: target.target,
    ...(target.port !== undefined ? { port: target.port } : {}),
    ...(target.proto !== undefined ? { proto: target.proto } : {}),
    ...(http !== undefined ? { http } : {}),
  };
  return { ok: true, statement };
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}

function parsePattern(text: string, side: "source" | "target"): RefPattern | string {
  if (text === "*") return { kind: "all" };
  const group = NAMESPACE_GROUP.exec(text);
  if (group?.[1]) return { kind: "namespace", namespace: group[1] };
  if (REF.test(text)) return { kind: "workload", ref: text };
  return `"${text}" is not a ${side}: expected a workload (web or shop/web), "*" or "<namespace>/*"`;
}

interface ParsedTarget {
  readonly target: TargetSyntax;
  readonly port?: number | string;
  readonly proto?: ProtoSyntax;
}

function parseTarget(text: string): ParsedTarget | string {
  if (text.startsWith("dns:")) {
    const name = text.slice(4);
    if (!DNS_NAME.test(name)) return `"${name}" is not a DNS name (dns:<name> takes no port)`;
    return { target: { kind: "dns", name } };
  }
  if (text.startsWith("service:")) {
    const { head, tail } = splitPort(text.slice(8));
    if (!REF.test(head)) return `"${head}" is not a workload: service:<workload>[:<port>][/<proto>]`;
    return withPort({ kind: "service", ref: head }, tail, false);
  }
  if (text.startsWith("external:")) {
    const { head, tail } = splitPort(text.slice(9));
    if (tail === undefined) return `external:${head} needs a port, e.g. external:${head}:443`;
    return withPort({ kind: "external-name", name: head }, tail, true);
  }
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    const address = close < 0 ? undefined : canonicalIp(text.slice(1, close));
    if (address === undefined || !address.includes(":")) return `"${text}" is not an [IPv6]:<port> target`;
    const rest = text.slice(close + 1);
    if (!rest.startsWith(":")) return `an address needs a port, e.g. [${text.slice(1, close)}]:443`;
    return withPort({ kind: "address", address }, rest.slice(1), true);
  }
  if (/^\d+\.\d+\.\d+\.\d+(:|$)/.test(text)) {
    const { head, tail } = splitPort(text);
    const address = canonicalIp(head);
    if (address === undefined) return `"${head}" is not an IPv4 address`;
    if (tail === undefined) return `an address needs a port, e.g. ${head}:443`;
    return withPort({ kind: "address", address }, tail, true);
  }
  if (text.includes(":") && !text.includes("[") && text.split(":").length > 2 && /^[0-9a-fA-F:]+$/.test(text.split("/")[0] ?? "")) {
    return `write an IPv6 target in brackets: [${text}]:<port>`;
  }
  const { head, tail } = splitPort(text);
  const pattern = parsePattern(head, "target");
  if (typeof pattern === "string") return pattern;
  return withPort({ kind: "workloads", pattern }, tail, false);
}

function splitPort(text: string): { head: string; tail?: string } {
  const colon = text.indexOf(":");
  return colon < 0 ? { head: text } : { head: text.slice(0, colon), tail: text.slice(colon + 1) };
}

function withPort(target: TargetSyntax, tail: string | undefined, numericOnly: boolean): ParsedTarget | string {
  if (tail === undefined) return { target };
  const parsed = parsePortProto(tail, numericOnly);
  return typeof parsed === "string" ? parsed : { target, ...parsed };
}

/** `<port>[/<proto>]`: a number or (unless numericOnly) a port name, and an optional protocol. */
export function parsePortProto(text: string, numericOnly: boolean): { port: number | string; proto?: ProtoSyntax } | string {
  const m = PORT_PROTO.exec(text);
  if (!m?.[1]) return `"${text}" is not <port>[/<proto>]`;
  const portText = m[1];
  const protoText = m[2]?.toLowerCase();
  let port: number | string;
  if (/^\d+$/.test(portText)) {
    port = Number(portText);
    if (!isPortNumber(port)) return `port ${portText} is out of range 1-65535`;
  } else if (numericOnly) {
    return `"${portText}" is not a port number (named ports exist only on workloads)`;
  } else if (valid(isPortName(portText))) {
    port = portText;
  } else {
    return `"${portText}" is neither a port number nor a port name`;
  }
  if (protoText === undefined) return { port };
  if (protoText !== "tcp" && protoText !== "udp" && protoText !== "sctp" && protoText !== "http") {
    return `unknown protocol "${m[2]}": use tcp, udp, sctp or http`;
  }
  return { port, proto: protoText };
}

function parseHttp(words: readonly string[], proto: ProtoSyntax | undefined): StatementSyntax["http"] | string | undefined {
  if (words.length === 0) return proto === "http" ? { method: "GET", path: "/" } : undefined;
  if (proto !== "http") {
    return `unexpected "${words.join(" ")}": an HTTP check (<METHOD> <path> [<status>]) needs the protocol http, e.g. api:8080/http GET /healthz 200`;
  }
  const [method = "", path = "", status, ...extra] = words;
  if (!/^[A-Z]+$/.test(method)) return `"${method}" is not an HTTP method (GET, POST, ...)`;
  if (!path.startsWith("/")) return `the HTTP path must start with "/", got "${path || "nothing"}"`;
  if (extra.length > 0) return `unexpected "${extra.join(" ")}" after the HTTP status`;
  if (status === undefined) return { method, path };
  if (!/^[1-5]\d\d$/.test(status)) return `"${status}" is not an HTTP status (100-599)`;
  return { method, path, status: Number(status) };
}
