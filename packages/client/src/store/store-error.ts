import { FlavorstackError } from "@flavorstack/core/errors";

/** The store cannot be opened, read or written, or refuses a change; the message says what to do. */
export class StoreError extends FlavorstackError {}
