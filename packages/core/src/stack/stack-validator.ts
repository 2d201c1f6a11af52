import { StackValidationError } from "../errors.js";
import type { StackValidationResult, StackValidator, StackView } from "./stack-component.js";
import type { StackComponentType } from "./stack-component-type.js";

export interface StackValidatorOptions {
  /** Component types the stack must contain. */
  requiredComponents?: readonly StackComponentType[];
  /** A further check on the whole stack, run only when every required component is present. */
  customValidation?: (stack: StackView) => StackValidationResult;
}

export function createStackValidator(options: StackValidatorOptions = {}): StackValidator {
  const requiredComponents = Object.freeze([...(options.requiredComponents ?? [])]);
  const problems = (stack: StackView): string[] => {
    const missing = requiredComponents.filter((type) => stack.component(type) === undefined);
    if (missing.length > 0) {
      return [missingComponentsMessage(stack.name, missing)];
    }
    const result = options.customValidation?.(stack) ?? { ok: true };
    return result.ok ? [] : [`Custom validation function failed to validate stack '${stack.name}': ${result.message}`];
  };
  return {
    requiredComponents,
    problems,
    validate(stack) {
      const found = problems(stack);
      if (found.length > 0) throw new StackValidationError(stack.name, found);
    },
  };
}

/** ZenML's message for a stack that lacks components, with what to do. */
export function missingComponentsMessage(stackName: string, missing: readonly StackComponentType[]): string {
  return `Missing stack components ${missing.map((type) => `'${type}'`).join(", ")} for stack: ${stackName}. Add them to the stack (one component of each of those types) and validate again.`;
}
