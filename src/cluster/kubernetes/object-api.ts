// KubernetesObjectApi with its discovery lookup made public: the adapter must
// know whether a kind is namespaced before it applies one (client-node would
// otherwise put a namespaced object without a namespace into `default`).
import { KubernetesObjectApi, type KubeConfig, type V1APIResource } from "@kubernetes/client-node";
// The serializer KubernetesObjectApi itself uses; not re-exported by the package index (client-node pinned at 1.4.0).
import { ObjectSerializer } from "@kubernetes/client-node/dist/serializer.js";
import { getSerializationType } from "@kubernetes/client-node/dist/util.js";

export class ObjectApi extends KubernetesObjectApi {
  static forConfig(kc: KubeConfig): ObjectApi {
    return kc.makeApiClient(ObjectApi);
  }

  /** The kind's API resource (served, namespaced, name), or undefined when the server does not serve it. */
  async kindInfo(apiVersion: string, kind: string): Promise<V1APIResource | undefined> {
    try {
      return await this.resource(apiVersion, kind);
    } catch (error) {
      // A group/version the server does not serve answers 404 to discovery.
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
}

const passThrough = { serialize: (data: unknown) => data, deserialize: (data: unknown) => data };
const registered = new Set<string>();

/**
 * client-node serializes a body through the generated model named
 * `<Version><Kind>` even for custom resources, so a CRD kind that shares a
 * built-in model's name (`Probe` in any v1 group becomes V1Probe, a container
 * probe) loses apiVersion and kind. Objects of non-built-in groups are sent
 * as they are instead.
 */
export function sendAsIs(apiVersion: string, kind: string): void {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  if (!group.includes(".") || group.endsWith(".k8s.io")) return;
  const key = `${apiVersion}/${kind}`;
  if (registered.has(key)) return;
  registered.add(key);
  try {
    ObjectSerializer.registerModel({ group, version: apiVersion.slice(slash + 1), kind }, passThrough);
  } catch {
    // someone in this process registered a serializer for the kind already: theirs stands
  }
}

/**
 * The object in client-node's model form. KubernetesObjectApi serializes a
 * built-in kind's body through its generated model, whose attribute names are
 * not always the wire names (NetworkPolicy peers: `_from` for `from`): a
 * plain wire object would lose those fields, and an ingress rule its peers.
 * Deserializing first makes the round trip give back the wire object.
 */
export function toModel<T extends { apiVersion: string; kind: string }>(object: T): T {
  return ObjectSerializer.deserialize(object, getSerializationType(object.apiVersion, object.kind)) as T;
}
