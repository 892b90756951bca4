// Kubernetes name and label syntax, shared by the scenario schema and the
// NetworkPolicy schema, so the DSL rejects what the API server would reject.

import { z } from "zod";

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
/** IANA service name, the syntax of a named container port. */
export const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (name.length > 63 || !LABEL_NAME.test(name)) return false;
  if (prefix === undefined) return true;
  return prefix.length <= 253 && prefix.split(".").every((part) => DNS_LABEL.test(part));
}

export const dnsLabel = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .max(63, { error: `${what} is at most 63 characters` })
    .regex(DNS_LABEL, { error: `${what} must be lowercase letters, digits and '-', starting and ending with a letter or digit` });

export const labelKey = z
  .string()
  .refine(isLabelKey, { error: "not a valid label key: [prefix/]name, name up to 63 of letters, digits, '-', '_', '.'" });

export const labelValue = z
  .string({ error: 'label values are strings: quote numbers and booleans, e.g. v: "2"' })
  .max(63, { error: "label values are at most 63 characters" })
  .regex(LABEL_VALUE, { error: "not a valid label value: letters, digits, '-', '_', '.', starting and ending with a letter or digit" });

export const labelsSchema = z.record(labelKey, labelValue);

export const portName = z
  .string()
  .max(15, { error: "port names are at most 15 characters" })
  .regex(PORT_NAME, { error: "port names are lowercase letters, digits and '-', with at least one letter" });

export const portNumber = z
  .number({ error: "a port is a number from 1 to 65535" })
  .int({ error: "a port is a whole number" })
  .min(1, { error: "a port is a number from 1 to 65535" })
  .max(65535, { error: "a port is a number from 1 to 65535" });
