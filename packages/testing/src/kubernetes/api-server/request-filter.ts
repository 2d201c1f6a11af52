import type { ObjectFilter } from "../store/cluster-store.js";
import { parseSelector } from "../store/match-selector.js";
import { badRequest } from "./request-errors.js";

/** The list/watch filter of a request: its namespace, `labelSelector` and `fieldSelector`. */
export function requestFilter(url: URL, namespace: string | undefined): ObjectFilter {
  let filter: ObjectFilter;
  try {
    filter = {
      ...(namespace ? { namespace } : {}),
      labels: parseSelector(url.searchParams.get("labelSelector")),
      fields: parseSelector(url.searchParams.get("fieldSelector")),
    };
  } catch (error) {
    throw badRequest((error as Error).message);
  }
  // Field selectors take only =, == and != (as on a real API server).
  const unsupported = filter.fields.find(
    (requirement) => requirement.operator !== "=" && requirement.operator !== "!=",
  );
  if (unsupported) {
    throw badRequest(`invalid field selector: "${unsupported.key}": field selectors support only =, == and !=`);
  }
  return filter;
}

/** A boolean query flag (`true` or `1`). */
export function queryFlag(url: URL, key: string): boolean {
  const value = url.searchParams.get(key);
  return value === "true" || value === "1";
}
