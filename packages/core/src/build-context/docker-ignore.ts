// Docker's `.dockerignore` semantics: a port of moby/patternmatcher (the
// matcher the docker CLI and BuildKit use) and of its `ignorefile.ReadAll`.
//
// Why not `@balena/dockerignore` (1.0.2, a dependency)? It ports moby
// v19.03's `fileutils`, which differs from today's patternmatcher in
// more points than a wrapper could fix:
//  1. It is case-insensitive by default; Docker is case-sensitive.
//  2. It escapes only `.` and `$`, so `+ ( ) | { }` in a name are regex
//     syntax (`a+b` does not match "a+b", `foo(` throws).
//  3. It has no prefix/suffix match types, so `**.log` does not match
//     "a/x.log" (patternmatcher's suffix match does).
//  4. It checks each pattern against the whole path and its parents, not
//     entry by entry with the parent's results (`MatchesUsingParentResults`)
//     as the build walk does: with `**/*.txt` then `!dir` it re-includes
//     "dir/a.txt", which Docker keeps excluded.
//  5. A lone `!` is silently dropped (Docker: an error), and a malformed
//     pattern such as `[` only throws when something is matched.
// So the matcher is written here by hand from patternmatcher.go. Deliberate
// differences from it, all in corner cases: an escaped letter (`\d`) is the
// literal letter (Go's regexp would read a class), `*` and `?` inside `[...]`
// are literal, and a pattern Go's regexp would reject when first used
// (`[z-a]`) is rejected when the file is parsed.

import { BuildContextError } from "../errors.js";

/** What the walk remembers about a directory, for its children (opaque). */
export interface DockerIgnoreMatchInfo {
  readonly parentMatched: readonly boolean[];
}

/** The result of matching one path. `matched` means "excluded". */
export interface DockerIgnoreMatch {
  readonly matched: boolean;
  readonly info: DockerIgnoreMatchInfo;
}

/** One pattern, as patternmatcher keeps it. */
export interface DockerIgnorePattern {
  /** The cleaned pattern, without the leading `!`. */
  readonly pattern: string;
  /** True for a `!` exception (patternmatcher calls it an "exclusion"). */
  readonly exception: boolean;
}

/** How a compiled pattern matches (patternmatcher's matchType). A const object, not an enum: Node runs the sources as they are. */
const MATCH_TYPE = { Exact: 0, Prefix: 1, Suffix: 2, Regexp: 3 } as const;
type MatchType = (typeof MATCH_TYPE)[keyof typeof MATCH_TYPE];

interface CompiledPattern extends DockerIgnorePattern {
  readonly type: MatchType;
  readonly regexp: RegExp | undefined;
  /** The pattern's text before its first wildcard or escape. */
  readonly literalPrefix: string;
}

const UTF8_BOM = "\uFEFF";

/**
 * Parses the text of a `.dockerignore` file into patterns, as moby's
 * `ignorefile.ReadAll` does: a UTF-8 BOM is dropped, lines starting with `#`
 * are comments (only in the first column), lines are trimmed, empty ones
 * dropped, each pattern is `filepath.Clean`ed and a leading `/` removed;
 * a leading `!` (an exception) is kept.
 */
export function parseDockerignore(content: string): string[] {
  const text = content.startsWith(UTF8_BOM) ? content.slice(1) : content;
  const patterns: string[] = [];
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  for (const rawLine of lines) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    const invert = pattern.startsWith("!");
    if (invert) pattern = pattern.slice(1).trim();
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return patterns;
}

/**
 * Go's `path.Clean`: collapses repeated `/`, drops `.` elements and
 * resolves `..` lexically; no trailing `/`; an empty result is `.`.
 */
export function cleanPath(path: string): string {
  if (path === "") return ".";
  const rooted = path.startsWith("/");
  const out: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/**
 * A `.dockerignore` matcher with moby/patternmatcher's semantics:
 * case-sensitive, `*` `?` `[...]` `**`, regex metacharacters literal, last
 * match wins, `!` exceptions, and entry-by-entry evaluation with the parent
 * directory's results ({@link matchesUsingParentResults}), as the build walk
 * does.
 */
export class DockerIgnore {
  readonly patterns: readonly DockerIgnorePattern[];
  /** True when at least one pattern is a `!` exception. */
  readonly hasExceptions: boolean;
  readonly #compiled: readonly CompiledPattern[];

  /**
   * @param patterns patterns as {@link parseDockerignore} returns them.
   * @throws BuildContextError on a malformed pattern (`[`, `!`, `a\`).
   */
  constructor(patterns: readonly string[]) {
    const compiled: CompiledPattern[] = [];
    for (const raw of patterns) {
      let pattern = raw.trim();
      if (pattern === "") continue;
      pattern = cleanPath(pattern);
      let exception = false;
      if (pattern.startsWith("!")) {
        if (pattern.length === 1) {
          throw new BuildContextError(
            `Invalid .dockerignore pattern '!': an exception needs a pattern after the '!'. Fix or remove the line.`,
          );
        }
        exception = true;
        pattern = pattern.slice(1);
      }
      compiled.push(compilePattern(pattern, exception));
    }
    this.#compiled = compiled;
    this.patterns = compiled.map(({ pattern, exception }) => ({
      pattern,
      exception,
    }));
    this.hasExceptions = compiled.some((p) => p.exception);
  }

  /** A matcher for the text of a `.dockerignore` file. */
  static parse(content: string): DockerIgnore {
    return new DockerIgnore(parseDockerignore(content));
  }

  /**
   * patternmatcher's `MatchesUsingParentResults`: whether `path` (relative,
   * `/`-separated) is excluded, given the result of its parent directory
   * (`undefined` for an entry at the root, or when nothing is known — then
   * each pattern is also tried on the path's ancestors). A pattern is only
   * evaluated when it can change the result; a child inherits "matched" for
   * every pattern its parent directory matched.
   */
  matchesUsingParentResults(path: string, parent?: DockerIgnoreMatchInfo): DockerIgnoreMatch {
    const parentMatched = parent?.parentMatched ?? [];
    const known = parentMatched.length !== 0;
    if (known && parentMatched.length !== this.#compiled.length) {
      throw new BuildContextError("DockerIgnore: match info from another matcher.");
    }
    const info: boolean[] = new Array<boolean>(this.#compiled.length).fill(false);
    let matched = false;
    for (let i = 0; i < this.#compiled.length; i++) {
      const pattern = this.#compiled[i] as CompiledPattern;
      let match = known ? parentMatched[i] === true : false;
      if (!match) {
        // Skip a pattern that cannot change the result.
        if (pattern.exception !== matched) continue;
        match = matchPattern(pattern, path);
        if (!match && !known) {
          const slash = path.lastIndexOf("/");
          if (slash > 0) {
            const dirs = path.slice(0, slash).split("/");
            for (let j = 1; j <= dirs.length && !match; j++) {
              match = matchPattern(pattern, dirs.slice(0, j).join("/"));
            }
          }
        }
      }
      info[i] = match;
      if (match) matched = !pattern.exception;
    }
    return { matched, info: { parentMatched: info } };
  }

  /**
   * Whether the build walk excludes `path` (relative, `/`-separated): its
   * ancestors are matched first and their results handed down, exactly as the
   * walk does.
   */
  ignores(path: string): boolean {
    const clean = cleanPath(path);
    if (clean === ".") return false;
    const parts = clean.split("/");
    let info: DockerIgnoreMatchInfo | undefined;
    let matched = false;
    for (let i = 1; i <= parts.length; i++) {
      ({ matched, info } = this.matchesUsingParentResults(parts.slice(0, i).join("/"), info));
    }
    return matched;
  }

  /**
   * Whether some exception pattern could match an entry inside the excluded
   * directory `dir`, so that the walk must descend into it. Conservative:
   * compares the exception's literal text before its first wildcard with
   * `dir + "/"` (BuildKit descends whenever an exception has a wildcard;
   * the legacy docker CLI only checks the literal prefix).
   */
  mayIncludeInside(dir: string): boolean {
    const dirSlash = `${dir}/`;
    for (const pattern of this.#compiled) {
      if (!pattern.exception) continue;
      const literal = pattern.literalPrefix;
      if (literal.startsWith(dirSlash) || dirSlash.startsWith(literal)) return true;
    }
    return false;
  }
}

function matchPattern(pattern: CompiledPattern, path: string): boolean {
  switch (pattern.type) {
    case MATCH_TYPE.Exact:
      return path === pattern.pattern;
    case MATCH_TYPE.Prefix:
      return path.startsWith(pattern.pattern.slice(0, -2));
    case MATCH_TYPE.Suffix: {
      const suffix = pattern.pattern.slice(2);
      if (path.endsWith(suffix)) return true;
      // `**/foo` matches "foo"
      return suffix.startsWith("/") && path === suffix.slice(1);
    }
    case MATCH_TYPE.Regexp:
      return (pattern.regexp as RegExp).test(path);
  }
}

/** Characters patternmatcher escapes because they are regex syntax only. */
const GO_ESCAPED = new Set([".", "+", "(", ")", "|", "{", "}", "$"]);
/** Characters that must be escaped to be literal in a JS `u` regex. */
const JS_SYNTAX = new Set(["\\", "^", "$", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);

function literal(ch: string, inClass: boolean): string {
  if (JS_SYNTAX.has(ch) || (inClass && ch === "-")) return `\\${ch}`;
  return ch;
}

/** patternmatcher's `Pattern.compile`, emitting a JavaScript regex. */
function compilePattern(pattern: string, exception: boolean): CompiledPattern {
  validateGlob(pattern);
  const chars = Array.from(pattern);
  let regex = "^";
  let type: MatchType = MATCH_TYPE.Exact;
  let inClass = false;
  let literalEnd = -1;
  let offset = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    const at = offset;
    offset += ch.length;
    if (!inClass && (ch === "*" || ch === "?" || ch === "[" || ch === "\\") && literalEnd < 0) {
      literalEnd = at;
    }
    if (inClass) {
      if (ch === "]") {
        inClass = false;
        regex += "]";
      } else if (ch === "\\" && i + 1 < chars.length) {
        const next = chars[++i] as string;
        offset += next.length;
        regex += literal(next, true);
      } else if (ch === "^" && regex.endsWith("[")) {
        regex += "^";
      } else if (ch === "-") {
        regex += "-";
      } else {
        regex += literal(ch, true);
      }
      continue;
    }
    if (ch === "*") {
      if (chars[i + 1] === "*") {
        // some flavour of "**"
        i++;
        offset += 1;
        if (chars[i + 1] === "/") {
          i++;
          offset += 1;
        }
        if (i + 1 >= chars.length) {
          // "**" at the end: everything
          if (type === MATCH_TYPE.Exact) type = MATCH_TYPE.Prefix;
          else {
            regex += ".*";
            type = MATCH_TYPE.Regexp;
          }
        } else {
          regex += "(.*/)?";
          type = MATCH_TYPE.Regexp;
        }
        if (at === 0) type = MATCH_TYPE.Suffix;
      } else {
        regex += "[^/]*";
        type = MATCH_TYPE.Regexp;
      }
    } else if (ch === "?") {
      regex += "[^/]";
      type = MATCH_TYPE.Regexp;
    } else if (GO_ESCAPED.has(ch)) {
      regex += `\\${ch}`;
    } else if (ch === "\\") {
      if (i + 1 < chars.length) {
        const next = chars[++i] as string;
        offset += next.length;
        regex += literal(next, false);
        type = MATCH_TYPE.Regexp;
      } else {
        regex += "\\\\";
      }
    } else if (ch === "[") {
      regex += "[";
      inClass = true;
      type = MATCH_TYPE.Regexp;
    } else if (ch === "]") {
      regex += "\\]";
      type = MATCH_TYPE.Regexp;
    } else if (ch === "^") {
      // Go's regexp reads a bare "^" as an anchor, and so does JavaScript's.
      regex += "^";
    } else {
      regex += ch;
    }
  }
  let regexp: RegExp | undefined;
  if (type === MATCH_TYPE.Regexp) {
    try {
      regexp = new RegExp(`${regex}$`, "u");
    } catch (cause) {
      throw new BuildContextError(
        `Invalid .dockerignore pattern '${exception ? "!" : ""}${pattern}'. Fix or remove the line.`,
        { cause },
      );
    }
  }
  return {
    pattern,
    exception,
    type,
    regexp,
    literalPrefix: literalEnd < 0 ? pattern : pattern.slice(0, literalEnd),
  };
}

/** The syntax check of Go's `filepath.Match` (which patternmatcher runs). */
function validateGlob(pattern: string): void {
  const fail = (): never => {
    throw new BuildContextError(
      `Invalid .dockerignore pattern '${pattern}': malformed '[...]' class or trailing '\\'. Fix or remove the line.`,
    );
  };
  const chars = Array.from(pattern);
  let i = 0;
  const escapedChar = (): void => {
    // one character of a range: an escape or anything but '-' and ']'
    const ch = chars[i];
    if (ch === undefined || ch === "-" || ch === "]") fail();
    if (ch === "\\") {
      i++;
      if (chars[i] === undefined) fail();
    }
    i++;
  };
  while (i < chars.length) {
    const ch = chars[i];
    if (ch === "\\") {
      if (i + 1 >= chars.length) fail();
      i += 2;
    } else if (ch === "[") {
      i++;
      if (chars[i] === "^") i++;
      let ranges = 0;
      for (;;) {
        if (i >= chars.length) fail();
        if (chars[i] === "]" && ranges > 0) {
          i++;
          break;
        }
        escapedChar();
        if (chars[i] === "-") {
          i++;
          escapedChar();
        }
        ranges++;
      }
    } else {
      i++;
    }
  }
}
