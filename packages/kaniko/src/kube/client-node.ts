import type * as ClientNodeModule from "@kubernetes/client-node";

/** The `@kubernetes/client-node` module's namespace. */
export type ClientNode = typeof ClientNodeModule;

let loading: Promise<ClientNode> | undefined;

/**
 * Imports `@kubernetes/client-node` on first use only: listing flavors,
 * parsing configs and validating stacks never load it.
 */
export function loadClientNode(): Promise<ClientNode> {
  loading ??= import("@kubernetes/client-node").catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
