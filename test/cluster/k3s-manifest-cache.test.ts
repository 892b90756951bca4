import { expect } from "chai";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheDir, fetchManifest } from "../../src/cluster/k3s/manifest-cache.ts";
import { UserError } from "../../src/user-error.ts";

const BODY = "kind: ConfigMap\napiVersion: v1\nmetadata: { name: calico-config }\n";
const SHA = createHash("sha256").update(BODY).digest("hex");

describe("CNI manifest cache", () => {
  let server: Server;
  let base: string;
  let requests: number;
  let body: string;
  let dir: string;
  const warnings: string[] = [];
  const options = () => ({ dir, pinLocation: 'clusters/k3s-calico.yaml cni.checksums["3.33.1"].calico', warn: (l: string) => warnings.push(l) });

  before(async () => {
    // Loopback only: the stand-in for raw.githubusercontent.com.
    server = createServer((req, res) => {
      requests++;
      if (req.url === "/missing.yaml") return void res.writeHead(404).end("404: Not Found");
      res.writeHead(200, { "content-type": "text/plain" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "netproof-cache-"));
    requests = 0;
    body = BODY;
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lives in NETPROOF_CACHE_DIR, else XDG_CACHE_HOME/netproof, else ~/.cache/netproof", () => {
    expect(cacheDir({ NETPROOF_CACHE_DIR: "/x" })).to.equal("/x");
    expect(cacheDir({ XDG_CACHE_HOME: "/xdg" })).to.equal("/xdg/netproof");
    expect(cacheDir({ HOME: "/home/u" })).to.match(/\/\.cache\/netproof$/);
  });

  it("a pinned manifest is downloaded once, verified, then served from the cache", async () => {
    const m = { name: "calico", url: `${base}/v3.33.1/calico.yaml`, sha256: SHA, patches: [] };
    const first = await fetchManifest(m, options());
    const second = await fetchManifest(m, options());
    expect(first).to.deep.include({ text: BODY, trust: "pinned", downloaded: true });
    expect(second).to.deep.include({ text: BODY, trust: "pinned", downloaded: false });
    expect(requests).to.equal(1);
    expect(readFileSync(first.path, "utf8")).to.equal(BODY);
    expect(warnings).to.deep.equal([]);
  });

  it("a download that does not match the pin is refused and not cached", async () => {
    body = BODY + "# altered\n";
    const m = { name: "calico", url: `${base}/v3.33.1/calico.yaml`, sha256: SHA, patches: [] };
    const e = await fetchManifest(m, options()).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(UserError);
    expect((e as UserError).message).to.include(`but the profile pins ${SHA}`).and.include('cni.checksums["3.33.1"].calico');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("a cached file that no longer matches its pin is downloaded again", async () => {
    const m = { name: "calico", url: `${base}/v3.33.1/calico.yaml`, sha256: SHA, patches: [] };
    const first = await fetchManifest(m, options());
    writeFileSync(first.path, "damaged");
    const again = await fetchManifest(m, options());
    expect(again).to.deep.include({ text: BODY, downloaded: true });
    expect(requests).to.equal(2);
  });

  it("an unpinned version: the first download records its sha256 and says so; later runs and downloads must match the record", async () => {
    const m = { name: "calico", url: `${base}/v3.34.0/calico.yaml`, sha256: undefined, patches: [] };
    const first = await fetchManifest(m, options());
    expect(first.trust).to.equal("recorded-now");
    expect(warnings[0]).to.include(`recorded sha256 ${SHA}`).and.include(`Pin it: clusters/k3s-calico.yaml cni.checksums["3.33.1"].calico: ${SHA}`);
    const second = await fetchManifest(m, options());
    expect(second).to.deep.include({ trust: "recorded-earlier", downloaded: false });
    expect(requests).to.equal(1);
    // A damaged cache entry is fetched again and must match the record.
    writeFileSync(first.path, "damaged");
    const third = await fetchManifest(m, options());
    expect(third).to.deep.include({ text: BODY, downloaded: true });
    writeFileSync(first.path, "damaged");
    body = "another file\n";
    const changed = await fetchManifest(m, options()).catch((x: unknown) => x);
    expect((changed as UserError).message).to.include(`but its first download here had ${SHA}`);
  });

  it("no network or a missing version: what failed and what to do", async () => {
    const missing = await fetchManifest({ name: "calico", url: `${base}/missing.yaml`, sha256: undefined, patches: [] }, options()).catch((x: unknown) => x);
    expect((missing as UserError).message).to.include("HTTP 404").and.include("is the CNI version right?");
    // A port nothing listens on (the server's own, closed): connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = await fetchManifest({ name: "calico", url: `http://127.0.0.1:${port}/calico.yaml`, sha256: SHA, patches: [] }, options()).catch((x: unknown) => x);
    expect(offline).to.be.instanceOf(UserError);
    expect((offline as UserError).message).to.include("could not download").and.include("ECONNREFUSED").and.include("--kubeconfig").and.include("--plan");
  });
});
