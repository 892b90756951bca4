// Labels, as every Kubernetes object carries them. Keys come from files, so a
// lookup reads own properties only: a label called "constructor" or
// "__proto__" is a label like any other, never something of Object.prototype.

export type Labels = Readonly<Record<string, string>>;

/** The value of `key`, or undefined when the object has no such label. */
export function labelValue(labels: Labels, key: string): string | undefined {
  return Object.hasOwn(labels, key) ? labels[key] : undefined;
}

export function hasLabel(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

/** Labels built from entries without ever calling the `__proto__` setter. */
export function labelsFrom(entries: Iterable<readonly [string, string]>): Labels {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
