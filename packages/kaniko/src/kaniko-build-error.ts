import { BuildError } from "@flavorstack/core/plugin";

export interface KanikoBuildErrorDetails {
  /** `namespace/pod` of the build pod (deleted by the time you see this). */
  pod: string;
  /** The executor's exit code, when it ran. */
  exitCode?: number | undefined;
  /** OOMKilled, Error, DeadlineExceeded, ErrImagePull, Unschedulable, ... */
  reason?: string | undefined;
  /** The last lines of the executor's log (secrets redacted). */
  logTail?: readonly string[];
  /** The pod's events, oldest first: `Warning FailedScheduling: ...`. */
  events?: readonly string[];
  cause?: unknown;
}

/** A kaniko build that failed in the cluster: the message carries the exit code, reason, log tail and events. */
export class KanikoBuildError extends BuildError {
  readonly pod: string;
  readonly exitCode: number | undefined;
  readonly reason: string | undefined;
  readonly logTail: readonly string[];
  readonly events: readonly string[];

  constructor(summary: string, details: KanikoBuildErrorDetails) {
    super(formatMessage(summary, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.pod = details.pod;
    this.exitCode = details.exitCode;
    this.reason = details.reason;
    this.logTail = Object.freeze([...(details.logTail ?? [])]);
    this.events = Object.freeze([...(details.events ?? [])]);
  }
}

function formatMessage(summary: string, details: KanikoBuildErrorDetails): string {
  let message = summary;
  if (details.logTail && details.logTail.length > 0) {
    message += `\nLast log lines of ${details.pod}:\n${details.logTail.map((line) => `  | ${line}`).join("\n")}`;
  }
  if (details.events && details.events.length > 0) {
    message += `\nEvents of ${details.pod}:\n${details.events.map((line) => `  - ${line}`).join("\n")}`;
  }
  return message;
}
