import { expect } from "chai";
import { describe, it } from "mocha";
import { addressKey, compileIpBlock, inIpBlock, parseAddress, parseCidr } from "../../src/oracle/ip.ts";
import type { Address } from "../../src/oracle/ip.ts";

function addr(text: string): Address {
  const parsed = parseAddress(text);
  if (parsed === undefined) throw new Error(`test address ${text} did not parse`);
  return parsed;
}

describe("oracle: addresses and ipBlocks", () => {
  it("parses IPv4 and IPv6, refusing the short and hex IPv4 forms Kubernetes refuses", () => {
    expect(parseAddress("192.0.2.7")?.kind()).to.equal("ipv4");
    expect(parseAddress("2001:db8::7")?.kind()).to.equal("ipv6");
    expect(parseAddress("10.1")).to.equal(undefined);
    expect(parseAddress("0x0a000001")).to.equal(undefined);
    expect(parseAddress("example.com")).to.equal(undefined);
    expect(parseAddress("")).to.equal(undefined);
  });

  it("gives equal keys to equal addresses however they are written", () => {
    expect(addressKey(addr("2001:db8:0::0007"))).to.equal(addressKey(addr("2001:db8::7")));
    expect(addressKey(addr("::ffff:192.0.2.7"))).to.equal(addressKey(addr("192.0.2.7")));
  });

  it("accepts a CIDR with host bits set as its network, as Kubernetes does", () => {
    const block = compileIpBlock({ cidr: "10.0.0.5/24" });
    expect(inIpBlock(addr("10.0.0.200"), block)).to.equal(true);
    expect(inIpBlock(addr("10.0.1.1"), block)).to.equal(false);
  });

  it("takes the except blocks out of the cidr", () => {
    const block = compileIpBlock({ cidr: "198.51.100.0/24", except: ["198.51.100.128/25", "198.51.100.7/32"] });
    expect(inIpBlock(addr("198.51.100.1"), block)).to.equal(true);
    expect(inIpBlock(addr("198.51.100.7"), block)).to.equal(false);
    expect(inIpBlock(addr("198.51.100.200"), block)).to.equal(false);
  });

  it("matches IPv6 blocks, and never an address of the other family", () => {
    const v6 = compileIpBlock({ cidr: "2001:db8::/32", except: ["2001:db8:dead::/48"] });
    expect(inIpBlock(addr("2001:db8:1::1"), v6)).to.equal(true);
    expect(inIpBlock(addr("2001:db8:dead::1"), v6)).to.equal(false);
    expect(inIpBlock(addr("192.0.2.1"), v6)).to.equal(false);
    expect(inIpBlock(addr("2001:db8::1"), compileIpBlock({ cidr: "0.0.0.0/0" }))).to.equal(false);
    expect(inIpBlock(addr("192.0.2.1"), compileIpBlock({ cidr: "0.0.0.0/0" }))).to.equal(true);
  });

  it("refuses what is not a CIDR", () => {
    expect(parseCidr("10.0.0.0")).to.equal(undefined);
    expect(parseCidr("10.0.0.0/33")).to.equal(undefined);
    expect(parseCidr("2001:db8::/129")).to.equal(undefined);
    expect(parseCidr("10.0.0.0/x")).to.equal(undefined);
    expect(() => compileIpBlock({ cidr: "10.0.0.0/8", except: ["nope"] })).to.throw(/except "nope" is not a CIDR/);
  });
});
