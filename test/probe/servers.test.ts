import { expect } from "chai";
import { SERVER_SCRIPT, serverArgv } from "../../src/probe/servers.ts";

describe("server command", () => {
  it("passes the identity and ports as arguments after the static script", () => {
    expect(
      serverArgv("prod/backend", [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
        { port: 80, protocol: "TCP" },
        { port: 9, protocol: "SCTP" },
      ]),
    ).to.deep.equal(["sh", "-c", SERVER_SCRIPT, "netproof-server", "prod/backend", "80/tcp", "53/udp", "9/sctp"]);
  });

  it("refuses identities with spaces or control characters and bad ports", () => {
    expect(() => serverArgv("a b", [])).to.throw(/identity/);
    expect(() => serverArgv("a\r\nX-Evil: 1", [])).to.throw(/identity/);
    expect(() => serverArgv("a", [{ port: 0, protocol: "TCP" }])).to.throw(/port/);
  });
});
