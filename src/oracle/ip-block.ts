// ipBlock peers compiled for matching. Parsing is the API server's
// (src/kube/cidr.ts): a CIDR with host bits set means its network, and an
// IPv4-mapped IPv6 block is the IPv4 block it stands for.

import { cidrContains, parseCidr, type Address, type Cidr } from "../kube/cidr.ts";
import type { IPBlock } from "../kube/network-policy.ts";

export interface CompiledIpBlock {
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
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

export function inIpBlock(address: Address, block: CompiledIpBlock): boolean {
  if (!cidrContains(block.cidr, address)) return false;
  for (const except of block.except) if (cidrContains(except, address)) return false;
  return true;
}
