// zod schemas for the Kubernetes names the scenario DSL uses (namespaces,
// labels, port names and numbers). The rules are src/kube's; the patterns are
// repeated here only so that the JSON Schema for editors shows them.

import { z } from "zod";
import {
  DNS1123_LABEL_MAX,
  DNS1123_LABEL_PATTERN,
  isLabelKey,
  LABEL_VALUE_MAX,
  LABEL_VALUE_PATTERN,
  PORT_NAME_MAX,
  PORT_NAME_PATTERN,
  valid,
} from "../kube/names.ts";
import { MAX_PORT, MIN_PORT } from "../kube/ports.ts";

export const dnsLabel = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(DNS1123_LABEL_MAX, { error: `${what} is at most ${DNS1123_LABEL_MAX} characters` })
    .regex(DNS1123_LABEL_PATTERN, { error: `${what} must be lowercase letters, digits and '-', starting and ending with a letter or digit` });

export const labelKey = z
  .string()
  .refine((s) => valid(isLabelKey(s)), { error: "not a valid label key: [prefix/]name, name up to 63 of letters, digits, '-', '_', '.'" });

export const labelValue = z
  .string({ error: 'label values are strings: quote numbers and booleans, e.g. v: "2"' })
  .max(LABEL_VALUE_MAX, { error: `label values are at most ${LABEL_VALUE_MAX} characters` })
  .regex(LABEL_VALUE_PATTERN, { error: "not a valid label value: letters, digits, '-', '_', '.', starting and ending with a letter or digit" });

/**
 * zod's record drops a "__proto__" key without a word. No Kubernetes name or
 * label key can be "__proto__", so it is refused with `message`.
 */
export function refuseProtoKey<S extends z.ZodType>(record: S, message: string) {
  return z.preprocess((value, ctx) => {
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
      ctx.addIssue({ code: "custom", path: ["__proto__"], message: `invalid key "__proto__": ${message}` });
    }
    return value;
  }, record);
}

export const labelsSchema = refuseProtoKey(z.record(labelKey, labelValue), `not a valid label key: ${isLabelKey("__proto__").join("; ")}`);

export const portName = z
  .string()
  .max(PORT_NAME_MAX, { error: `port names are at most ${PORT_NAME_MAX} characters` })
  .regex(PORT_NAME_PATTERN, { error: "port names are lowercase letters, digits and single '-', with at least one letter" });

const PORT_MESSAGE = `a port is a number from ${MIN_PORT} to ${MAX_PORT}`;
export const portNumber = z
  .number({ error: PORT_MESSAGE })
  .int({ error: "a port is a whole number" })
  .min(MIN_PORT, { error: PORT_MESSAGE })
  .max(MAX_PORT, { error: PORT_MESSAGE });
