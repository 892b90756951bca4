// The API stand-in held honest by a client nobody here wrote: kubectl.
// Where the stand-in does not match a real API server, the test says so:
// - no OpenAPI documents, so `apply` runs with --validate=false;
// - `get` gets plain lists, not Tables, so kubectl prints NAME and AGE only;
// - exec is websocket only: kubectl 1.29 and older speak SPDY and get a clear refusal.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { execa } from "execa";
import { startStandIn, type RunningStandIn } from "../api-standin/fixture.ts";
import type { HostCluster } from "../api-standin/host-cluster.ts";
import { assertKubectls, kubectlPath } from "../support/kubectl.ts";


const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: x
  labels: {team: blue}
---
apiVersion: v1
kind: Pod
metadata:
  name: a
  namespace: x
  labels: {app: a}
spec:
  containers:
  - name: main
    image: netshoot
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: x
spec:
  selector: {app: a}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: x
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

describe("API stand-in under kubectl", function () {
  this.timeout(60_000);
  let s: RunningStandIn;
  let manifest: string;

  before(async () => {
    assertKubectls(["1.27", "1.30", "1.33"]);
    s = await startStandIn();
    manifest = join(s.dir, "objects.yaml");
    writeFileSync(manifest, MANIFEST);
  });
  after(async () => s?.stop());

  const kubectl = (version: string, ...args: string[]) =>
    execa(kubectlPath(version), ["--kubeconfig", s.kubeconfig, ...args], { reject: false, timeout: 30_000 });

  for (const version of ["1.27", "1.33"]) {
    describe(`kubectl ${version}`, () => {
      afterEach(async () => {
        await kubectl(version, "delete", "namespace", "x", "--ignore-not-found", "--wait=true");
      });

      it("applies server-side, gets what it applied, and applies again without change", async () => {
        const first = await kubectl(version, "apply", "--server-side", "--validate=false", "-f", manifest);
        expect(first.stderr).to.equal("");
        expect(first.stdout.split("\n")).to.deep.equal([
          "namespace/x serverside-applied",
          "pod/a serverside-applied",
          "service/web serverside-applied",
          "networkpolicy.networking.k8s.io/deny-all serverside-applied",
        ]);
        const again = await kubectl(version, "apply", "--server-side", "--validate=false", "-f", manifest);
        expect(again.exitCode).to.equal(0);

        const ns = JSON.parse((await kubectl(version, "get", "namespace", "x", "-o", "json")).stdout);
        expect(ns.metadata.labels).to.deep.equal({ team: "blue", "kubernetes.io/metadata.name": "x" });
        expect(ns.status.phase).to.equal("Active");

        const svc = JSON.parse((await kubectl(version, "get", "service", "web", "-n", "x", "-o", "json")).stdout);
        expect(svc.spec.clusterIP).to.match(/^10\.43\.\d+\.\d+$/);
        const svcAgain = JSON.parse((await kubectl(version, "get", "svc", "web", "-n", "x", "-o", "json")).stdout);
        expect(svcAgain.spec.clusterIP, "re-apply keeps the ClusterIP").to.equal(svc.spec.clusterIP);

        const policies = await kubectl(version, "get", "netpol", "-n", "x", "-o", "name");
        expect(policies.stdout).to.equal("networkpolicy.networking.k8s.io/deny-all");
      });

      it("waits for the pod, lists by label selector and reports its IP and node", async () => {
        await kubectl(version, "apply", "--server-side", "--validate=false", "-f", manifest);
        const wait = await kubectl(version, "wait", "--for=condition=Ready", "pod/a", "-n", "x", "--timeout=20s");
        expect(wait.stdout).to.equal("pod/a condition met");
        const pods = JSON.parse((await kubectl(version, "get", "pods", "-n", "x", "-l", "app in (a,b)", "-o", "json")).stdout);
        expect(pods.items.map((p: { metadata: { name: string } }) => p.metadata.name)).to.deep.equal(["a"]);
        expect(pods.items[0].status.podIP).to.equal("127.0.0.1");
        expect(pods.items[0].spec.nodeName).to.equal("host");
        const none = await kubectl(version, "get", "pods", "-n", "x", "-l", "app=b");
        expect(none.stderr).to.equal("No resources found in x namespace.");
      });

      it("needs --validate=false: the stand-in serves no OpenAPI document (a real server does)", async () => {
        const r = await kubectl(version, "apply", "--server-side", "-f", manifest);
        expect(r.exitCode).to.equal(1);
        // 1.27 reports the 404 of /openapi/v2 as is; 1.33 says it could not download the document.
        expect(r.stderr).to.match(/failed to download openapi|NotFound/);
      });

      it("says NotFound for what is not there, as a real server does", async () => {
        const r = await kubectl(version, "get", "pod", "nope", "-n", "default");
        expect(r.exitCode).to.equal(1);
        expect(r.stderr).to.equal('Error from server (NotFound): pods "nope" not found');
      });

      it("deletes a namespace with everything in it and waits until it is gone", async () => {
        await kubectl(version, "apply", "--server-side", "--validate=false", "-f", manifest);
        const r = await kubectl(version, "delete", "namespace", "x");
        expect(r.stdout).to.equal('namespace "x" deleted');
        const gone = await kubectl(version, "get", "namespace", "x");
        expect(gone.stderr).to.equal('Error from server (NotFound): namespaces "x" not found');
        const pods = await kubectl(version, "get", "pods", "-A", "-o", "name");
        expect(pods.stdout).to.equal("");
        expect((s.backing as unknown as HostCluster).objects.size, "the backing cluster lost the pod and namespace too").to.equal(0);
      });
    });
  }

  describe("exec", () => {
    before(async () => {
      await kubectl("1.33", "apply", "--server-side", "--validate=false", "-f", manifest);
      await kubectl("1.33", "wait", "--for=condition=Ready", "pod/a", "-n", "x", "--timeout=20s");
    });
    after(async () => kubectl("1.33", "delete", "namespace", "x", "--ignore-not-found"));

    for (const version of ["1.30", "1.33"]) {
      it(`kubectl ${version} (websocket v5) gets stdout, stderr and the exit code`, async () => {
        const r = await kubectl(version, "exec", "-n", "x", "a", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        expect(r.stdout).to.equal("out");
        expect(r.stderr).to.equal("err\ncommand terminated with exit code 3");
        expect(r.exitCode).to.equal(3);
        const ok = await kubectl(version, "exec", "-n", "x", "a", "--", "echo", "fine");
        expect([ok.exitCode, ok.stdout]).to.deep.equal([0, "fine"]);
      });
    }

    it("kubectl 1.27 speaks SPDY only, which the stand-in refuses with a message saying so", async () => {
      const r = await kubectl("1.27", "exec", "-n", "x", "a", "--", "echo", "hi");
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.contain("the API stand-in speaks the websocket exec protocol");
      expect(r.stderr).to.contain("not SPDY/3.1");
    });
  });
});
