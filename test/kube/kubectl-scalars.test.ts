import { expect } from "chai";
import { kubectlKey, kubectlScalar } from "../../src/kube/kubectl-scalars.ts";

describe("kube: plain YAML scalars as kubectl (go-yaml v2, YAML 1.1) reads them", () => {
  it("reads the YAML 1.1 booleans that YAML 1.2 keeps as strings", () => {
    for (const t of ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True"]) expect(kubectlScalar(t), t).to.equal(true);
    for (const f of ["n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "FALSE"]) expect(kubectlScalar(f), f).to.equal(false);
    expect(kubectlScalar("yEs")).to.equal("yEs");
  });

  it("reads numbers with Go's base prefixes, leading-zero octal and underscores", () => {
    expect(kubectlScalar("0x50")).to.equal(80);
    expect(kubectlScalar("0755")).to.equal(493);
    expect(kubectlScalar("0o17")).to.equal(15);
    expect(kubectlScalar("0b1010000")).to.equal(80);
    expect(kubectlScalar("8_080")).to.equal(8080);
    expect(kubectlScalar("+80")).to.equal(80);
    expect(kubectlScalar("-0x10")).to.equal(-16);
    expect(kubectlScalar("08")).to.equal(8);
    expect(kubectlScalar("1e3")).to.equal(1000);
    expect(kubectlScalar("80.0")).to.equal(80);
    expect(kubectlScalar(".5")).to.equal(0.5);
  });

  it("keeps everything else as text, and sends a date as RFC 3339", () => {
    for (const s of ["web", "1:20", "0x", "8080/tcp", "10.0.0.0/8", "http", "-", "+", "0x5g"]) expect(kubectlScalar(s), s).to.equal(s);
    expect(kubectlScalar("2024-1-5")).to.equal("2024-01-05T00:00:00Z");
    expect(kubectlScalar("2024-02-30")).to.equal("2024-02-30");
    expect(kubectlScalar("~")).to.equal(null);
  });

  it("turns boolean and number keys back into text as kubectl's JSON has them", () => {
    expect(kubectlKey("on")).to.equal("true");
    expect(kubectlKey("0x10")).to.equal("16");
    expect(kubectlKey("app")).to.equal("app");
  });
});
