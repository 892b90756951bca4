// Addresses and CIDRs, read as the API server reads them (k8s.io/utils/net
// ParseIPSloppy / ParseCIDRSloppy, forks of Go 1.16's net package): IPv4 in
// dotted decimal only ("10.1" and "0x0a.0.0.1" are refused; leading zeros are
// decimal), IPv6 without a zone, and host bits may be set (10.0.0.5/24 means
// 10.0.0.0/24). An IPv4-mapped IPv6 address is the IPv4 address, as Go's
// net.IP treats it: ::ffff:10.42.1.1/128 is 10.42.1.1/32.

import ipaddr from "ipaddr.js";

export type Address = ipaddr.IPv4 | ipaddr.IPv6;
export type Family = "ipv4" | "ipv6";

export interface Cidr {
  readonly family: Family;
  /** The network address (host bits cleared). */
  readonly network: Address;
  /** The prefix length in the family's bits (an IPv4-mapped /120 is an IPv4 /24). */
  readonly bits: number;
  /** The prefix length as written: ipBlock.except is compared with these, as the API server does. */
  readonly writtenBits: number;
}

const DOTTED_DECIMAL = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;

/** The address, or undefined when the text is not one the API server accepts. */
export function parseIp(text: string): Address | undefined {
  const raw = parseRaw(text);
  if (raw === undefined) return undefined;
  return raw.kind() === "ipv6" && (raw as ipaddr.IPv6).isIPv4MappedAddress() ? (raw as ipaddr.IPv6).toIPv4Address() : raw;
}

/** The canonical text of an address (IPv4-mapped IPv6 as IPv4), or undefined. */
export function canonicalIp(text: string): string | undefined {
  return parseIp(text)?.toString();
}

/** A key equal for equal addresses whatever their spelling (fd00::1 = fd00:0::0001). */
export function addressKey(address: Address): string {
  return `${address.kind()}:${address.toNormalizedString()}`;
}

/** `<address>/<bits>`, or undefined when the API server would refuse it. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const bitsText = text.slice(slash + 1);
  const raw = parseRaw(text.slice(0, slash));
  if (raw === undefined || !/^\d{1,8}$/.test(bitsText)) return undefined;
  const writtenBits = Number(bitsText);
  if (raw.kind() === "ipv4") {
    if (writtenBits > 32) return undefined;
    return { family: "ipv4", network: network(raw, writtenBits), bits: writtenBits, writtenBits };
  }
  if (writtenBits > 128) return undefined;
  const v6 = raw as ipaddr.IPv6;
  // Masking at 96 bits or more keeps the ::ffff: prefix: Go then reads the network as IPv4.
  if (v6.isIPv4MappedAddress() && writtenBits >= 96) {
    const bits = writtenBits - 96;
    return { family: "ipv4", network: network(v6.toIPv4Address(), bits), bits, writtenBits };
  }
  return { family: "ipv6", network: network(v6, writtenBits), bits: writtenBits, writtenBits };
}

export function cidrContains(cidr: Cidr, address: Address): boolean {
  // ipaddr.js throws when the families differ; an IPv4 address is simply not in an IPv6 block.
  return address.kind() === cidr.family && address.match(cidr.network, cidr.bits);
}

/**
 * The API server's test for ipBlock.except: the except's network address lies
 * in the cidr and its written prefix is longer. So an except equal to the cidr,
 * or of the other family, is refused.
 */
export function isStrictSubset(outer: Cidr, inner: Cidr): boolean {
  return cidrContains(outer, inner.network) && outer.writtenBits < inner.writtenBits;
}

export function formatCidr(cidr: Cidr): string {
  return `${cidr.network.toString()}/${cidr.bits}`;
}

function parseRaw(text: string): Address | undefined {
  const quad = DOTTED_DECIMAL.exec(text);
  if (quad) {
    const octets = quad.slice(1, 5).map(Number);
    return octets.every((o) => o <= 255) ? new ipaddr.IPv4(octets) : undefined;
  }
  // The character check also refuses zones (fe80::1%eth0), which ipaddr.js would accept.
  if (!text.includes(":") || !IPV6_CHARS.test(text) || !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.IPv6.parse(text);
}

function network(address: Address, bits: number): Address {
  return address.kind() === "ipv4"
    ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${bits}`);
}
