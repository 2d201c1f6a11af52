/** Every kind of stack component, with ZenML's names. */
export const STACK_COMPONENT_TYPES = [
  "alerter",
  "annotator",
  "artifact_store",
  "container_registry",
  "data_validator",
  "deployer",
  "experiment_tracker",
  "feature_store",
  "image_builder",
  "log_store",
  "model_deployer",
  "model_registry",
  "orchestrator",
  "step_operator",
] as const;

export type StackComponentType = (typeof STACK_COMPONENT_TYPES)[number];

export function isStackComponentType(value: unknown): value is StackComponentType {
  return typeof value === "string" && (STACK_COMPONENT_TYPES as readonly string[]).includes(value);
}
