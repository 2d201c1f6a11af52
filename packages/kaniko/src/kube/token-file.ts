import { readFileSync, statSync } from "node:fs";

/** client-node's auth-provider name for a user whose bearer token is in a file (its in-cluster config uses it too). */
export const TOKEN_FILE_PROVIDER = "tokenFile";

/** A bearer token kept in a file that its owner rotates (a kubeconfig's `token-file`, a projected service account token). */
export interface TokenFile {
  /** The file's token, trimmed; the file is read again whenever its size or modification time changed. */
  read(): string;
  /** Forgets the token read, so the next {@link read} reads the file even if it looks unchanged (after a 401). */
  invalidate(): void;
}

export function createTokenFile(file: string): TokenFile {
  let token: string | undefined;
  let version = "";
  return {
    read() {
      const stat = statSync(file);
      const current = `${stat.size}:${stat.mtimeMs}:${stat.ino}`;
      if (token === undefined || current !== version) {
        token = readFileSync(file, "utf8").trim();
        version = current;
      }
      return token;
    },
    invalidate() {
      token = undefined;
    },
  };
}
