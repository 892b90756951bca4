// client-node turns every non-2xx answer into an ApiException whose message
// dumps headers and body; users need the API server's own one-line reason.
import { ApiException } from "@kubernetes/client-node";

export interface ApiFailure {
  /** HTTP status, or undefined when no answer came (connection refused, timeout). */
  readonly code?: number;
  readonly reason?: string;
  readonly message: string;
}

export function apiFailure(error: unknown): ApiFailure {
  if (error instanceof ApiException) {
    const status = statusBody(error.body);
    return {
      code: error.code,
      reason: status?.reason,
      message: status?.message ?? `HTTP ${error.code}`,
    };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

interface StatusBody {
  readonly reason?: string;
  readonly message?: string;
}

function statusBody(body: unknown): StatusBody | undefined {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 300) } : undefined;
    }
  }
  if (value && typeof value === "object") {
    const { reason, message } = value as Record<string, unknown>;
    return {
      reason: typeof reason === "string" ? reason : undefined,
      message: typeof message === "string" && message ? message : undefined,
    };
  }
  return undefined;
}
