// KubernetesObjectApi with its discovery lookup made public: the adapter must
// know whether a kind is namespaced before it applies one (client-node would
// otherwise put a namespaced object without a namespace into `default`).
import { KubernetesObjectApi, type KubeConfig, type V1APIResource } from "@kubernetes/client-node";

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
