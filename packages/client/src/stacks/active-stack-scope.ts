import os from "node:os";

/** Overrides the scope the active stack is kept for (tests, and users who want one scope across machines). */
export const ACTIVE_SCOPE_ENV = "FLAVORSTACK_ACTIVE_SCOPE";

/**
 * Whose active stack this is: `user@host`, so that a team's shared database keeps one active stack per user and
 * machine (an SQLite store in a working directory is per directory anyway).
 */
export function activeStackScope(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[ACTIVE_SCOPE_ENV];
  if (override !== undefined && override !== "") return override;
  return `${os.userInfo().username}@${os.hostname()}`;
}
