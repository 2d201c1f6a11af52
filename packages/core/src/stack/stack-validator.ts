import { StackValidationError } from "../errors.js";
import { missingMessage, type Stack } from "./stack.js";
import type { StackComponentType } from "./stack-component-type.js";

export type StackValidationResult = { ok: true } | { ok: false; message: string };

export interface StackValidatorOptions {
  /** Component types the stack must contain. */
  requiredComponents?: readonly StackComponentType[];
  /** A further check on the whole stack, run only when every required component is present. */
  customValidation?: (stack: Stack) => StackValidationResult;
}

/** What a component demands of the stack it is part of. */
export interface StackValidator {
  readonly requiredComponents: readonly StackComponentType[];
  /** Every problem found, in ZenML's words; empty when the stack is fine. */
  problems(stack: Stack): string[];
  /** Throws a `StackValidationError` listing every problem at once. */
  validate(stack: Stack): void;
}

export function createStackValidator(options: StackValidatorOptions = {}): StackValidator {
  const requiredComponents = Object.freeze([...(options.requiredComponents ?? [])]);
  const problems = (stack: Stack): string[] => {
    const missing = requiredComponents.filter((type) => stack.component(type) === undefined);
    if (missing.length > 0) {
      return [missingMessage(stack.name, missing)];
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
