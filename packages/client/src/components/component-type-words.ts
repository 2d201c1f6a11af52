/** How messages name a component type. */

/** `artifact_store` → `artifact-store`, as the CLI's commands name the types. */
export function commandOf(type: string): string {
  return type.replaceAll("_", "-");
}

/** `a container_registry`, `an image_builder`. */
export function withArticle(type: string): string {
  return `${/^[aeiou]/i.test(type) ? "an" : "a"} ${type}`;
}
