// Loading a kubeconfig the way `--kubeconfig FILE [--context NAME]` means it:
// only the named file (never ~/.kube/config or $KUBECONFIG), its current
// context unless one is named, and a reachable API server checked within
// seconds so a dead server is a one-line message, not a hang or a stack.
import http from "node:http";
import https from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { UserError } from "../../user-error.ts";

export interface KubeconfigChoice {
  /** The file to read; with `text`, only the name shown in messages (e.g. a k3s container's kubeconfig). */
  readonly file: string;
  /** The kubeconfig itself, when it comes from a cluster netproof started rather than a file. */
  readonly text?: string;
  /** The context to use; absent means the file's current context. */
  readonly context?: string;
}

export interface LoadedKubeconfig {
  readonly kc: KubeConfig;
  readonly file: string;
  readonly context: string;
  /** True when the context was the file's current one rather than named by the user. */
  readonly contextFromFile: boolean;
  readonly server: string;
}

export function loadKubeconfig(choice: KubeconfigChoice): LoadedKubeconfig {
  const kc = new KubeConfig();
  try {
    if (choice.text !== undefined) kc.loadFromString(choice.text);
    else kc.loadFromFile(choice.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : firstLine(error);
    throw new UserError({ file: choice.file, message: `cannot read the kubeconfig: ${why}` });
  }
  const names = kc.getContexts().map((c) => c.name);
  const context = choice.context ?? kc.getCurrentContext();
  if (!context) {
    throw new UserError({
      file: choice.file,
      field: "current-context",
      message: "the kubeconfig has no current context",
      hint: names.length ? `pass --context, one of: ${names.join(", ")}` : "the file defines no contexts",
    });
  }
  if (!kc.getContextObject(context)) {
    throw new UserError({
      file: choice.file,
      field: "contexts",
      message: `the kubeconfig has no context named "${context}"`,
      hint: names.length ? `contexts in the file: ${names.join(", ")}` : "the file defines no contexts",
    });
  }
  kc.setCurrentContext(context);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new UserError({
      file: choice.file,
      field: "clusters",
      message: `context "${context}" names a cluster that the kubeconfig does not define, or one without a server`,
    });
  }
  return { kc, file: choice.file, context, contextFromFile: choice.context === undefined, server: cluster.server };
}

/**
 * Asks the API server for `/version` with the kubeconfig's credentials; a
 * server that does not answer within `timeoutMs`, or refuses the credentials,
 * is a UserError naming the file, context and server.
 */
export async function checkServer(loaded: LoadedKubeconfig, timeoutMs = 5000): Promise<string> {
  const where = `context "${loaded.context}" (server ${loaded.server})`;
  const url = new URL("/version", loaded.server);
  const options: https.RequestOptions = { method: "GET", headers: { Accept: "application/json" } };
  try {
    await loaded.kc.applyToHTTPSOptions(options);
  } catch (error) {
    throw new UserError({ file: loaded.file, message: `cannot get credentials for ${where}: ${firstLine(error)}` });
  }
  const get = url.protocol === "https:" ? https.request : http.request;
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = get(url, { ...options, timeout: timeoutMs }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`)));
    request.on("error", reject);
    request.end();
  }).catch((error: unknown) => {
    throw new UserError({
      file: loaded.file,
      message: `cannot reach the API server of ${where}: ${firstLine(error)}`,
      hint: "check that the cluster is running and that the kubeconfig's server address is reachable from here",
    });
  });
  if (answer.status === 401 || answer.status === 403) {
    throw new UserError({
      file: loaded.file,
      message: `the API server of ${where} refused the kubeconfig's credentials (HTTP ${answer.status})`,
    });
  }
  if (answer.status < 200 || answer.status > 299) {
    throw new UserError({ file: loaded.file, message: `the API server of ${where} answered /version with HTTP ${answer.status}` });
  }
  try {
    const version = JSON.parse(answer.body) as { gitVersion?: unknown };
    return typeof version.gitVersion === "string" ? version.gitVersion : "unknown";
  } catch {
    throw new UserError({ file: loaded.file, message: `${loaded.server} does not look like a Kubernetes API server (/version is not JSON)` });
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? text;
}
