// Kubernetes-shaped HTTP answers: JSON bodies, Status objects for failures.
import type { ServerResponse } from "node:http";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export function statusBody(code: number, reason: string, message: string): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, error.code, statusBody(error.code, error.reason, error.message));
}

export const notFound = (what: string, name: string) => new ApiError(404, "NotFound", `${what} "${name}" not found`);
export const badRequest = (message: string) => new ApiError(400, "BadRequest", message);
