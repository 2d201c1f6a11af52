import type { StackComponentType } from "@flavorstack/core";
import type { StackTable } from "../store/store-schema.js";
import type { StackMemberRow } from "./stack-rows.js";

/** A component of a stack, by reference. */
export interface StackMember {
  id: string;
  name: string;
  flavor: string;
}

/** A registered stack: its components by type, and whether it is the active stack of this scope. */
export interface StackRecord {
  id: string;
  name: string;
  components: Partial<Record<StackComponentType, StackMember>>;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toStackRecord(row: StackTable, members: readonly StackMemberRow[], activeName: string): StackRecord {
  const components: Partial<Record<StackComponentType, StackMember>> = {};
  for (const member of members) {
    if (member.stackId === row.id) {
      components[member.type as StackComponentType] = { id: member.id, name: member.name, flavor: member.flavor };
    }
  }
  return {
    id: row.id,
    name: row.name,
    components,
    active: row.name === activeName,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
