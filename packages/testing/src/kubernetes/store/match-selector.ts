/** One requirement of a label or field selector. */
export interface SelectorRequirement {
  key: string;
  operator: "=" | "!=" | "exists" | "!exists" | "in" | "notin";
  value?: string;
  /** The set of `in` / `notin`. */
  values?: string[];
}

/**
 * Parses a Kubernetes selector: equality-based (`k=v,k2==v2,k3!=v3`), existence (`k`, `!k`)
 * and set-based (`k in (a,b)`, `k notin (a,b)`) requirements, comma-separated outside parentheses.
 */
export function parseSelector(selector: string | null | undefined): SelectorRequirement[] {
  if (!selector) return [];
  const requirements: SelectorRequirement[] = [];
  for (const raw of selector.split(/,(?![^()]*\))/)) {
    const part = raw.trim();
    if (part === "") continue;
    const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part);
    if (set) {
      const [, key, operator, list] = set as unknown as [string, string, "in" | "notin", string];
      const values = list.split(",").map((value) => value.trim());
      requirements.push({ key, operator, values: values.filter((value) => value !== "") });
      continue;
    }
    if (/\s(in|notin)\s*\(/.test(part)) throw new Error(`malformed set-based requirement: ${part}`);
    const notEqual = part.indexOf("!=");
    if (notEqual > 0) {
      requirements.push({
        key: part.slice(0, notEqual).trim(),
        operator: "!=",
        value: part.slice(notEqual + 2).trim(),
      });
      continue;
    }
    const equal = part.indexOf("=");
    if (equal > 0) {
      const value = part.slice(part[equal + 1] === "=" ? equal + 2 : equal + 1);
      requirements.push({ key: part.slice(0, equal).trim(), operator: "=", value: value.trim() });
      continue;
    }
    if (part.startsWith("!")) requirements.push({ key: part.slice(1).trim(), operator: "!exists" });
    else requirements.push({ key: part, operator: "exists" });
  }
  return requirements;
}

function fieldValue(object: unknown, path: string): string | undefined {
  let current: unknown = object;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined || current === null) return undefined;
  return String(current);
}

/** Whether `labels` satisfy a parsed label selector. */
export function matchesLabels(
  labels: Record<string, string> | undefined,
  requirements: SelectorRequirement[],
): boolean {
  return requirements.every((requirement) => {
    const value = labels?.[requirement.key];
    switch (requirement.operator) {
      case "=":
        return value === requirement.value;
      case "!=":
        return value !== requirement.value;
      case "exists":
        return value !== undefined;
      case "!exists":
        return value === undefined;
      case "in":
        return value !== undefined && (requirement.values ?? []).includes(value);
      case "notin":
        return value === undefined || !(requirement.values ?? []).includes(value);
    }
    return false;
  });
}

/** Whether `object` satisfies a parsed field selector (dotted paths such as `metadata.name`, `involvedObject.name`). */
export function matchesFields(object: unknown, requirements: SelectorRequirement[]): boolean {
  return requirements.every((requirement) => {
    const value = fieldValue(object, requirement.key) ?? "";
    if (requirement.operator === "=") return value === requirement.value;
    if (requirement.operator === "!=") return value !== requirement.value;
    return false;
  });
}
