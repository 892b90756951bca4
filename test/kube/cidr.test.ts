import { expect } from "chai";
import { describe, it } from "mocha";
import { addressKey, canonicalIp, cidrContains, formatCidr, isStrictSubset, parseCidr, parseIp, type Address, type Cidr } from "../../src/kube/cidr.ts";
import { compileIpBlock, inIpBlock } from "../../src/oracle/ip-block.ts";

function addr(text: string): Address {
  const parsed = parseIp(text);
  if (parsed === undefined) throw new Error(`test address ${text} did not parse`);
  return parsed;
}

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (parsed === undefined) throw new Error(`test CIDR ${text} did not parse`);
  return parsed;
}

describe("kube: addresses and CIDRs, as the API server reads them", () => {
  it("parses IPv4 and IPv6, refusing the short, hex and zoned forms Kubernetes refuses", () => {
    expect(parseIp("192.0.2.7")?.kind()).to.equal("ipv4");
    expect(parseIp("2001:db8::7")?.kind()).to.equal("ipv6");
    for (const bad of ["10.1", "0x0a000001", "0x0a.0.0.1", "example.com", "", " 10.0.0.1", "256.0.0.1", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9"]) {
      expect(parseIp(bad), bad).to.equal(undefined);
    }
  });

  it("reads leading zeros in IPv4 as decimal, as ParseIPSloppy does", () => {
    expect(canonicalIp("010.001.002.003")).to.equal("10.1.2.3");
    expect(formatCidr(cidr("010.0.0.0/08"))).to.equal("10.0.0.0/8");
  });

  it("gives equal keys to equal addresses however they are written", () => {
    expect(addressKey(addr("2001:db8:0::0007"))).to.equal(addressKey(addr("2001:db8::7")));
    expect(addressKey(addr("::ffff:192.0.2.7"))).to.equal(addressKey(addr("192.0.2.7")));
  });

  it("treats an IPv4-mapped IPv6 CIDR as the IPv4 block it stands for (Go's net.IPNet)", () => {
    const one = cidr("::ffff:10.42.1.1/128");
    expect(one.family).to.equal("ipv4");
    expect(formatCidr(one)).to.equal("10.42.1.1/32");
    expect(cidrContains(one, addr("10.42.1.1"))).to.equal(true);
    expect(cidrContains(one, addr("10.42.1.2"))).to.equal(false);
    expect(formatCidr(cidr("::ffff:10.0.0.0/104"))).to.equal("10.0.0.0/8");
    // Below 96 bits the mask clears the ffff: the block is plain IPv6 and holds no IPv4 pod.
    const wide = cidr("::ffff:10.0.0.0/64");
    expect(wide.family).to.equal("ipv6");
    expect(cidrContains(wide, addr("10.0.0.1"))).to.equal(false);
  });

  it("keeps the network of a CIDR with host bits set", () => {
    expect(formatCidr(cidr("10.0.0.5/24"))).to.equal("10.0.0.0/24");
    expect(formatCidr(cidr("2001:db8::5/64"))).to.equal("2001:db8::/64");
  });

  it("refuses what is not a CIDR", () => {
    for (const bad of ["10.0.0.0", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/ 8", "/8", "10.0.0.0/8/8", "::ffff:10.0.0.0/129"]) {
      expect(parseCidr(bad), bad).to.equal(undefined);
    }
  });

  it("tests except as the API server does: inside, and a strictly longer written prefix", () => {
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("10.1.0.0/16"))).to.equal(true);
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("10.0.0.0/8"))).to.equal(false);
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("192.168.0.0/16"))).to.equal(false);
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("2001:db8::/32"))).to.equal(false);
    expect(isStrictSubset(cidr("10.0.0.0/16"), cidr("10.0.0.0/8"))).to.equal(false);
    // Host bits in the except: its network address is what counts.
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("10.9.9.9/16"))).to.equal(true);
    // Written prefixes are compared: a mapped /104 (= 10.0.0.0/8) is "longer" than /16.
    expect(isStrictSubset(cidr("10.0.0.0/8"), cidr("::ffff:10.1.0.0/112"))).to.equal(true);
    expect(isStrictSubset(cidr("::ffff:10.0.0.0/104"), cidr("10.1.0.0/16"))).to.equal(false);
  });
});

describe("oracle: ipBlock matching", () => {
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

  it("matches a pod's IPv4 address against an IPv4-mapped block without throwing", () => {
    const block = compileIpBlock({ cidr: "::ffff:10.42.1.1/128" });
    expect(inIpBlock(addr("10.42.1.1"), block)).to.equal(true);
    expect(inIpBlock(addr("10.42.1.2"), block)).to.equal(false);
  });

  it("refuses a block the API server refuses", () => {
    expect(() => compileIpBlock({ cidr: "10.0.0.0/8", except: ["nope"] })).to.throw(/except "nope" is not a CIDR/);
  });
});
