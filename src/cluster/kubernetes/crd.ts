// A CustomResourceDefinition is usable only once Established: objects of its
// kind applied before that are refused by the API server.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ObjectApi } from "./object-api.ts";

interface CrdStatus {
  readonly status?: { readonly conditions?: readonly { type: string; status: string; message?: string }[] };
}

export function isCrd(object: { apiVersion: string; kind: string }): boolean {
  return object.kind === "CustomResourceDefinition" && object.apiVersion.startsWith("apiextensions.k8s.io/");
}

export async function waitEstablished(api: ObjectApi, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const crd = (await api.read({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
    })) as KubernetesObject & CrdStatus;
    const conditions = crd.status?.conditions ?? [];
    if (conditions.some((c) => c.type === "Established" && c.status === "True")) return;
    const names = conditions.find((c) => c.type === "NamesAccepted" && c.status === "False");
    if (names) throw new Error(`CustomResourceDefinition ${name}: names not accepted: ${names.message ?? ""}`);
    last = conditions.map((c) => `${c.type}=${c.status}`).join(", ") || "no conditions yet";
    if (Date.now() >= deadline) {
      throw new Error(`CustomResourceDefinition ${name} not Established after ${Math.round(timeoutMs / 1000)} s (${last})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
