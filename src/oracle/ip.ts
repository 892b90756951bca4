// Addresses and ipBlock peers. Parsing is strict (dotted quads for IPv4), as
// the API server's validation is; a CIDR with host bits set is accepted and
// means its network (10.0.0.5/24 = 10.0.0.0/24), as Kubernetes treats it.

import ipaddr from "ipaddr.js";
import type { IPBlock } from "./types.ts";

export type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface Cidr {
  readonly network: Address;
  readonly bits: number;
}

export interface CompiledIpBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
}

/** The address, or undefined when the text is not a plain IPv4 or IPv6 address. */
export function parseAddress(text: string): Address | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(":")) {
    if (!ipaddr.IPv6.isValid(trimmed)) return undefined;
    const v6 = ipaddr.IPv6.parse(trimmed);
    // ::ffff:10.0.0.1 is the IPv4 address on the wire of a dual-stack socket.
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return ipaddr.IPv4.isValidFourPartDecimal(trimmed) ? ipaddr.IPv4.parse(trimmed) : undefined;
}

/** A key equal for equal addresses whatever their spelling (fd00::1 = fd00:0::0001). */
export function addressKey(address: Address): string {
  return `${address.kind()}:${address.toNormalizedString()}`;
}

export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const network = parseAddress(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (network === undefined || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > (network.kind() === "ipv4" ? 32 : 128)) return undefined;
  return { network, bits };
}

/** Throws on a CIDR the API server would have refused. */
export function compileIpBlock(block: IPBlock): CompiledIpBlock {
  const cidr = parseCidr(block.cidr);
  if (cidr === undefined) throw new Error(`ipBlock.cidr ${JSON.stringify(block.cidr)} is not a CIDR`);
  const except = (block.except ?? []).map((text) => {
    const parsed = parseCidr(text);
    if (parsed === undefined) throw new Error(`ipBlock.except ${JSON.stringify(text)} is not a CIDR`);
    return parsed;
  });
  return { cidr, except };
}

export function inCidr(address: Address, cidr: Cidr): boolean {
  // ipaddr.js throws when the families differ; an IPv4 address is simply
  // not inside an IPv6 block.
  return address.kind() === cidr.network.kind() && address.match(cidr.network, cidr.bits);
}

export function inIpBlock(address: Address, block: CompiledIpBlock): boolean {
  if (!inCidr(address, block.cidr)) return false;
  for (const except of block.except) if (inCidr(address, except)) return false;
  return true;
}
