// What a failed k3s bring-up means to a user. Docker and testcontainers say
// `(HTTP code 500) server error - Get "https://registry-1.docker.io/v2/" ...`;
// the user needs to read what is missing and what to do instead.
import { UserError } from "../../user-error.ts";

export const ALTERNATIVES = "or run against an existing cluster with --kubeconfig <file>, or check the scenario without a cluster with --plan";

export interface BringUpContext {
  readonly image: string;
  readonly dockerHost: string;
  /** The last lines the k3s container logged, when it got that far. */
  readonly logTail?: string;
}

export function noDockerEngine(ctx: BringUpContext, detail: string): UserError {
  return new UserError({
    message: `no Docker engine answers at ${ctx.dockerHost} (${detail}); k3s profiles run k3s in a Docker container`,
    hint: `start Docker (or set DOCKER_HOST to a running engine), ${ALTERNATIVES}`,
  });
}

/** A UserError for the failures a user can act on; undefined for anything else (a bug keeps its stack). */
export function explainBringUpError(error: unknown, ctx: BringUpContext): UserError | undefined {
  if (error instanceof UserError) return error;
  const text = errorText(error);
  if (/unable to apply caps|privileged mode is incompatible|operation not permitted.*(privileged|caps)|rootless.*privileged|cannot.*privileged/i.test(text)) {
    return new UserError({
      message: `the Docker engine refused a privileged container (${firstMatch(text, /unable to apply caps[^"\n|]*|privileged[^"\n|]*/i)}); k3s needs one`,
      hint: `rootless Docker, Podman without privileges and some sandboxes refuse privileged containers; use a Docker engine that allows them, ${ALTERNATIVES}`,
    });
  }
  if (/pull access denied|manifest unknown|not found: manifest|no such image/i.test(text)) {
    return new UserError({
      message: `image ${ctx.image} is not on this machine and the registry does not have it (${firstMatch(text, /pull access denied[^"\n]*|manifest unknown[^"\n]*|no such image[^"\n]*/i)})`,
      hint: `check the image in the cluster profile, ${ALTERNATIVES}`,
    });
  }
  if (/registry-1\.docker\.io|\/v2\/|no such host|dial tcp|i\/o timeout|TLS handshake timeout|connection refused.*(registry|443)|server misbehaving|network is unreachable/i.test(text) && /pull|registry|\/v2\/|HTTP code 5\d\d/i.test(text)) {
    return new UserError({
      message: `image ${ctx.image} is not on this machine and could not be pulled: the registry was not reachable (${registryDetail(text)})`,
      hint: `connect to the internet (or load the image with docker load), ${ALTERNATIVES}`,
    });
  }
  if (/executable file not found|exec: "?[^"\s]+"?: (no such file|not found)/i.test(text)) {
    return new UserError({
      message: `image ${ctx.image} does not run k3s (${firstMatch(text, /exec: [^\n|]*?(?=: unknown|\s*\||$)|executable file not found[^\n|]*/i)})`,
      hint: `the cluster profile must name a rancher/k3s image; ${ALTERNATIVES}`,
    });
  }
  const wait = /Log stream ended and message "([^"]*)"|Log message "([^"]*)" not received after (\d+)ms/.exec(text);
  if (wait) {
    const line = wait[1] ?? wait[2];
    const how = wait[3] ? `within ${Math.round(Number(wait[3]) / 1000)} s` : "before its container stopped";
    const tail = ctx.logTail?.trim();
    return new UserError({
      message: `k3s did not log "${line}" ${how}${tail ? `; its last lines:\n${indent(tail)}` : ""}`,
      hint: `a k3s that fails to start in a container is often short of privileges or cgroups (check the engine's cgroup setup); ${ALTERNATIVES}`,
    });
  }
  if (/Could not find a working container runtime strategy|ECONNREFUSED|ENOENT.*docker\.sock|connect ENOENT|Cannot connect to the Docker daemon/i.test(text)) {
    return noDockerEngine(ctx, firstLine(text));
  }
  return undefined;
}

function registryDetail(text: string): string {
  const host = /no such host|i\/o timeout|network is unreachable|connection refused|TLS handshake timeout|server misbehaving/i.exec(text)?.[0];
  const url = /https?:\/\/[^\s"]+/.exec(text)?.[0];
  return [url, host].filter(Boolean).join(": ") || firstLine(text);
}

function firstMatch(text: string, re: RegExp): string {
  return (re.exec(text)?.[0] ?? firstLine(text)).trim();
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let i = 0; i < 3 && cause instanceof Error; i++, cause = cause.cause) parts.push(cause.message);
  const json = (error as { json?: { message?: string } }).json;
  if (json?.message) parts.push(json.message);
  return parts.join(" | ");
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    ${l}`).join("\n");
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}
