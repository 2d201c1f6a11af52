import type { StackComponentType } from "@flavorstack/core";
import type { ComponentTable } from "../store/store-schema.js";

/** A registered component as the store shows it: secret fields masked, `{{name.key}}` references kept. */
export interface ComponentRecord {
  id: string;
  type: StackComponentType;
  flavor: string;
  name: string;
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The row's config as it is stored (references, never secret values). */
export function storedConfig(row: Pick<ComponentTable, "config">): Record<string, unknown> {
  return JSON.parse(row.config) as Record<string, unknown>;
}

export function toComponentRecord(row: ComponentTable, config: Record<string, unknown>): ComponentRecord {
  return {
    id: row.id,
    type: row.type as StackComponentType,
    flavor: row.flavor,
    name: row.name,
    config,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
