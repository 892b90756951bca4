// Cells and predictions shared by the verdict tests.
import type { Cell, ProbeKind } from "../../src/scenario/plan.ts";
import type { Prediction } from "../../src/oracle/types.ts";

export const at = { file: "s.yaml", line: 7 };

export function dbCell(declared: Cell["declared"], kind: ProbeKind = "tcp", status?: number): Cell {
  return {
    key: "a/web -> a/db:5432/TCP",
    from: "a/web",
    to: { kind: "workload", workload: "a/db" },
    port: 5432,
    protocol: "TCP",
    kind,
    declared,
    ...(kind === "http" ? { http: { method: "GET", path: "/", ...(status ? { status } : {}) } } : {}),
  };
}

export const allowed: Prediction = {
  kind: "allowed",
  egress: { kind: "not-isolated" },
  ingress: { kind: "allowed", isolatedBy: ["a/p"], allowedBy: { policy: "a/p", rule: 0 } },
};

export const denied: Prediction = {
  kind: "denied",
  egress: { kind: "not-isolated" },
  ingress: { kind: "denied", isolatedBy: ["a/deny"] },
};
