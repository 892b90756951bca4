// Deleting namespaces and waiting, bounded, until the API server has removed
// them (and with them everything inside).
import type { CoreV1Api } from "@kubernetes/client-node";
import { UserError } from "../../user-error.ts";
import { apiFailure, isNotFound } from "./api-error.ts";

export async function deleteNamespacesAndWait(core: CoreV1Api, names: readonly string[], timeoutMs: number): Promise<void> {
  for (const name of names) {
    try {
      await core.deleteNamespace({ name, propagationPolicy: "Background" });
    } catch (error) {
      if (!isNotFound(error)) throw new Error(`deleting namespace ${name}: ${apiFailure(error).message}`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  let remaining = [...names];
  while (remaining.length) {
    const still: string[] = [];
    for (const name of remaining) {
      try {
        await core.readNamespace({ name });
        still.push(name);
      } catch (error) {
        if (!isNotFound(error)) throw new Error(`reading namespace ${name}: ${apiFailure(error).message}`);
      }
    }
    remaining = still;
    if (!remaining.length) return;
    if (Date.now() >= deadline) {
      throw new UserError({
        message: `namespaces still terminating after ${Math.round(timeoutMs / 1000)} s: ${remaining.join(", ")}`,
        hint: "they are deleted and will go on their own; `netproof cleanup --kubeconfig FILE` lists what is left",
      });
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
