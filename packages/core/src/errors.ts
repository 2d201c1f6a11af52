const FLAVORSTACK_ERROR_BRAND = Symbol.for("flavorstack.error");

/**
 * The one error base class of flavorstack. Every error we raise says what is
 * wrong and what to do about it; the underlying error, if any, is kept as
 * `cause` (never flattened into the message, so nothing is lost).
 */

export class FlavorstackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /**
   * Whether `error` is a flavorstack error, also one thrown by another copy of
   * `@flavorstack/core` (an integration in node_modules may bring its own), which
   * `instanceof` would miss. The subclass is then told by `name`.
   */
  static isInstance(error: unknown): error is FlavorstackError {
    return typeof error === "object" && error !== null && FLAVORSTACK_ERROR_BRAND in error;
  }
}

// On the prototype, so every instance of every copy carries it without a field of its own.
Object.defineProperty(FlavorstackError.prototype, FLAVORSTACK_ERROR_BRAND, { value: true });

/** A component's configuration does not satisfy its flavor's schema. */
export class ConfigError extends FlavorstackError {}

/** A stack lacks a component or a component's validator refuses the stack. */
export class StackValidationError extends FlavorstackError {
  readonly problems: readonly string[];

  constructor(stackName: string, problems: readonly string[]) {
    super(
      problems.length === 1
        ? (problems[0] ?? "")
        : `Stack '${stackName}' is invalid:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    this.problems = problems;
  }
}

/** A flavor or integration is unknown, or is registered twice. */
export class RegistryError extends FlavorstackError {}

/** An image reference does not follow the OCI distribution grammar. */
export class ImageReferenceError extends FlavorstackError {}

/** An artifact store refused or failed an operation. */
export class ArtifactStoreError extends FlavorstackError {}

/** A build context could not be read or archived. */
export class BuildContextError extends FlavorstackError {}

/** An image build or push failed. */
export class BuildError extends FlavorstackError {}

/** The message of anything thrown, for messages that name a cause. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
