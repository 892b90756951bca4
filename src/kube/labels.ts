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
