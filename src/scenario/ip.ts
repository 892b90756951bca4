// Address and CIDR checks for the DSL. Strict forms only: ipaddr.js alone
// accepts "10" or "0x0a.1" as IPv4, which Kubernetes would reject.

import ipaddr from "ipaddr.js";

/** The canonical text of an IPv4 or IPv6 address, or undefined if it is not one. */
export function canonicalIp(text: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  if (!text.includes(":") || !ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  // Zone ids (fe80::1%eth0) have no meaning in a policy or a probe target.
  return text.includes("%") ? undefined : v6.toString();
}

export interface Cidr {
  readonly family: "ipv4" | "ipv6";
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly bits: number;
}

/** Parses `<address>/<bits>` in the strict form the Kubernetes API accepts. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addressText = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText) || canonicalIp(addressText) === undefined) return undefined;
  const address = ipaddr.parse(addressText);
  const bits = Number(bitsText);
  const family = address.kind();
  if (bits > (family === "ipv4" ? 32 : 128)) return undefined;
  return { family, address, bits };
}

/** Whether `inner` lies inside `outer` (same family, longer or equal prefix). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.bits < outer.bits) return false;
  // ipaddr.js types `match` per family; the family check above makes the cast sound.
  return (inner.address as ipaddr.IPv4).match([outer.address as ipaddr.IPv4, outer.bits]);
}
