import { describe, expect, it } from "vitest";
import { BuildContextError } from "../errors.js";
import { cleanPath, DockerIgnore, parseDockerignore } from "./docker-ignore.js";

const ignores = (patterns: string[], path: string): boolean => new DockerIgnore(patterns).ignores(path);

describe("parseDockerignore (ignorefile.ReadAll)", () => {
  it("drops comments, blank lines and a BOM, trims, cleans and strips a leading slash", () => {
    const text = "\uFEFF# comment\n\n  *.md  \r\n/abs/path\n!  /keep.md\nfoo/../bar/\n./baz\n  # not a comment\n";
    expect(parseDockerignore(text)).toEqual(["*.md", "abs/path", "!keep.md", "bar", "baz", "# not a comment"]);
  });

  it("keeps a lone '!' (the matcher rejects it)", () => {
    expect(parseDockerignore("!\n")).toEqual(["!"]);
    expect(() => DockerIgnore.parse("!\n")).toThrow(BuildContextError);
  });

  it("cleans paths like Go's path.Clean", () => {
    expect(cleanPath("")).toBe(".");
    expect(cleanPath("a//b/./c/..")).toBe("a/b");
    expect(cleanPath("../a")).toBe("../a");
    expect(cleanPath("/../a/")).toBe("/a");
    expect(cleanPath("/")).toBe("/");
  });
});

describe("Docker documentation examples", () => {
  it("*/temp* excludes temp-prefixed entries one level down only", () => {
    const p = ["*/temp*"];
    expect(ignores(p, "somedir/temporary.txt")).toBe(true);
    expect(ignores(p, "somedir/temp")).toBe(true);
    expect(ignores(p, "somedir/temp/inner.txt")).toBe(true);
    expect(ignores(p, "temp.txt")).toBe(false);
    expect(ignores(p, "a/b/temp.txt")).toBe(false);
  });

  it("*/*/temp* excludes two levels down", () => {
    const p = ["*/*/temp*"];
    expect(ignores(p, "somedir/subdir/temporary.txt")).toBe(true);
    expect(ignores(p, "somedir/temporary.txt")).toBe(false);
  });

  it("temp? matches one character", () => {
    expect(ignores(["temp?"], "tempa")).toBe(true);
    expect(ignores(["temp?"], "tempb")).toBe(true);
    expect(ignores(["temp?"], "temp")).toBe(false);
    expect(ignores(["temp?"], "tempab")).toBe(false);
    expect(ignores(["temp?"], "dir/tempa")).toBe(false);
  });

  it("**/*.go matches at any depth, the root included", () => {
    expect(ignores(["**/*.go"], "main.go")).toBe(true);
    expect(ignores(["**/*.go"], "a/b/c/x.go")).toBe(true);
    expect(ignores(["**/*.go"], "a/b/c/x.gox")).toBe(false);
  });

  it("*.md with !README.md keeps the README only", () => {
    const p = ["*.md", "!README.md"];
    expect(ignores(p, "README.md")).toBe(false);
    expect(ignores(p, "CHANGES.md")).toBe(true);
    // *.md only matches at the root
    expect(ignores(p, "docs/x.md")).toBe(false);
  });

  it("!README*.md then README-secret.md excludes the secret only", () => {
    const p = ["*.md", "!README*.md", "README-secret.md"];
    expect(ignores(p, "README.md")).toBe(false);
    expect(ignores(p, "README-public.md")).toBe(false);
    expect(ignores(p, "README-secret.md")).toBe(true);
    expect(ignores(p, "other.md")).toBe(true);
  });

  it("the last matching line wins: README-secret.md before !README*.md is kept", () => {
    const p = ["*.md", "README-secret.md", "!README*.md"];
    expect(ignores(p, "README-secret.md")).toBe(false);
    expect(ignores(p, "other.md")).toBe(true);
  });

  it("an exception before the pattern it should override has no effect", () => {
    expect(ignores(["!keep.go", "*.go"], "keep.go")).toBe(true);
  });
});

describe("moby/patternmatcher semantics", () => {
  it("is case-sensitive", () => {
    expect(ignores(["*.MD"], "readme.md")).toBe(false);
    expect(ignores(["Build"], "build")).toBe(false);
    expect(ignores(["Build"], "Build")).toBe(true);
  });

  it("takes regex metacharacters literally", () => {
    expect(ignores(["a+b"], "a+b")).toBe(true);
    expect(ignores(["a+b"], "aab")).toBe(false);
    expect(ignores(["foo("], "foo(")).toBe(true);
    expect(ignores(["{a,b}"], "a")).toBe(false);
    expect(ignores(["{a,b}"], "{a,b}")).toBe(true);
    expect(ignores(["a|b"], "a")).toBe(false);
    expect(ignores(["x$"], "x$")).toBe(true);
    expect(ignores(["a.c"], "abc")).toBe(false);
    expect(ignores(["dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl")).toBe(true);
  });

  it("uses ** as a prefix and suffix shortcut", () => {
    expect(ignores(["**.log"], "a/b/x.log")).toBe(true);
    expect(ignores(["**.log"], "x.log")).toBe(true);
    expect(ignores(["**file"], "dir/myfile")).toBe(true);
    expect(ignores(["logs/**"], "logs/a/b")).toBe(true);
    expect(ignores(["logs/**"], "logs")).toBe(false);
  });

  it("evaluates exceptions entry by entry as the walk does: **/*.txt then !dir keeps dir/a.txt excluded", () => {
    const p = ["**/*.txt", "!dir"];
    expect(ignores(p, "dir")).toBe(false);
    expect(ignores(p, "dir/a.txt")).toBe(true);
    expect(ignores(p, "dir/a.go")).toBe(false);
  });

  it("hands parent results down: a child of an excluded directory stays excluded", () => {
    const matcher = new DockerIgnore(["build", "!build/keep.txt"]);
    const parent = matcher.matchesUsingParentResults("build");
    expect(parent.matched).toBe(true);
    expect(matcher.matchesUsingParentResults("build/other.txt", parent.info).matched).toBe(true);
    expect(matcher.matchesUsingParentResults("build/keep.txt", parent.info).matched).toBe(false);
  });

  it("re-includes through an exception inside an excluded directory", () => {
    const p = ["*", "!src/keep/**"];
    expect(ignores(p, "src")).toBe(true);
    expect(ignores(p, "src/keep")).toBe(true);
    expect(ignores(p, "src/keep/a.py")).toBe(false);
    expect(ignores(p, "src/other.py")).toBe(true);
  });

  it("tells whether an exception may match inside an excluded directory", () => {
    const matcher = new DockerIgnore(["*", "!src/keep/**", "!**/*.keep"]);
    expect(matcher.mayIncludeInside("src")).toBe(true);
    expect(matcher.mayIncludeInside("other")).toBe(true); // **/*.keep may match anywhere
    const literal = new DockerIgnore(["*", "!src/keep"]);
    expect(literal.mayIncludeInside("src")).toBe(true);
    expect(literal.mayIncludeInside("srcx")).toBe(false);
    expect(literal.mayIncludeInside("node_modules")).toBe(false);
    expect(new DockerIgnore(["*"]).mayIncludeInside("src")).toBe(false);
  });

  it("rejects malformed patterns", () => {
    for (const bad of ["[", "a[", "[^", "[^bc", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "\\", "!"]) {
      expect(() => new DockerIgnore([bad]), bad).toThrow(BuildContextError);
    }
  });
});

// moby/patternmatcher patternmatcher_test.go TestMatches: the `tests` table
// (pattern, path, matches-or-parent-matches) and `multiPatternTests`.
const mobyMatches: Array<[string, string, boolean]> = [
  ["**", "file", true],
  ["**", "file/", true],
  ["**/", "file", true],
  ["**/", "file/", true],
  ["**", "/", true],
  ["**/", "/", true],
  ["**", "dir/file", true],
  ["**/", "dir/file", true],
  ["**", "dir/file/", true],
  ["**/", "dir/file/", true],
  ["**/**", "dir/file", true],
  ["**/**", "dir/file/", true],
  ["dir/**", "dir/file", true],
  ["dir/**", "dir/file/", true],
  ["dir/**", "dir/dir2/file", true],
  ["dir/**", "dir/dir2/file/", true],
  ["**/dir", "dir", true],
  ["**/dir", "dir/file", true],
  ["**/dir2/*", "dir/dir2/file", true],
  ["**/dir2/*", "dir/dir2/file/", true],
  ["**/dir2/**", "dir/dir2/dir3/file", true],
  ["**/dir2/**", "dir/dir2/dir3/file/", true],
  ["**file", "file", true],
  ["**file", "dir/file", true],
  ["**/file", "dir/file", true],
  ["**file", "dir/dir/file", true],
  ["**/file", "dir/dir/file", true],
  ["**/file*", "dir/dir/file", true],
  ["**/file*", "dir/dir/file.txt", true],
  ["**/file*txt", "dir/dir/file.txt", true],
  ["**/file*.txt", "dir/dir/file.txt", true],
  ["**/file*.txt*", "dir/dir/file.txt", true],
  ["**/**/*.txt", "dir/dir/file.txt", true],
  ["**/**/*.txt2", "dir/dir/file.txt", false],
  ["**/*.txt", "file.txt", true],
  ["**/**/*.txt", "file.txt", true],
  ["a**/*.txt", "a/file.txt", true],
  ["a**/*.txt", "a/dir/file.txt", true],
  ["a**/*.txt", "a/dir/dir/file.txt", true],
  ["a/*.txt", "a/dir/file.txt", false],
  ["a/*.txt", "a/file.txt", true],
  ["a/*.txt**", "a/file.txt", true],
  ["a[b-d]e", "ae", false],
  ["a[b-d]e", "ace", true],
  ["a[b-d]e", "aae", false],
  ["a[^b-d]e", "aze", true],
  [".*", ".foo", true],
  [".*", "foo", false],
  ["abc.def", "abcdef", false],
  ["abc.def", "abc.def", true],
  ["abc.def", "abcZdef", false],
  ["abc?def", "abcZdef", true],
  ["abc?def", "abcdef", false],
  ["**/foo/bar", "foo/bar", true],
  ["**/foo/bar", "dir/foo/bar", true],
  ["**/foo/bar", "dir/dir2/foo/bar", true],
  ["abc/**", "abc", false],
  ["abc/**", "abc/def", true],
  ["abc/**", "abc/def/ghi", true],
  ["**/.foo", ".foo", true],
  ["**/.foo", "bar.foo", false],
  ["a(b)c/def", "a(b)c/def", true],
  ["a(b)c/def", "a(b)c/xyz", false],
  ["a.|)$(}+{bc", "a.|)$(}+{bc", true],
  [
    "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
    "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
    true,
  ],
  ["dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true],
  ["a\\\\", "a\\", true],
  ["a\\*b", "a*b", true],
];

const mobyMultiPattern: Array<[string[], string, boolean]> = [
  [["**", "!util/docker/web"], "util/docker/web/foo", false],
  [["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", true],
  [
    ["**", "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl"],
    "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
    false,
  ],
  [["**", "!dist/*.whl"], "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false],
];

// patternmatcher_test.go matchTests (Go's filepath.Match table), valid patterns.
const goMatchTests: Array<[string, string, boolean]> = [
  ["abc", "abc", true],
  ["*", "abc", true],
  ["*c", "abc", true],
  ["a*", "a", true],
  ["a*", "abc", true],
  ["a*", "ab/c", true],
  ["a*/b", "abc/b", true],
  ["a*/b", "a/c/b", false],
  ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/f", true],
  ["a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false],
  ["a*b*c*d*e*/f", "axbxcxdxexxx/fff", false],
  ["a*b?c*x", "abxbbxdbxebxczzx", true],
  ["a*b?c*x", "abxbbxdbxebxczzy", false],
  ["ab[c]", "abc", true],
  ["ab[b-d]", "abc", true],
  ["ab[e-g]", "abc", false],
  ["ab[^c]", "abc", false],
  ["ab[^b-d]", "abc", false],
  ["ab[^e-g]", "abc", true],
  ["a\\*b", "a*b", true],
  ["a\\*b", "ab", false],
  ["a?b", "a☺b", true],
  ["a[^a]b", "a☺b", true],
  ["a???b", "a☺b", false],
  ["a[^a][^a][^a]b", "a☺b", false],
  ["[a-ζ]*", "α", true],
  ["*[a-ζ]", "A", false],
  ["a?b", "a/b", false],
  ["a*b", "a/b", false],
  ["[\\]a]", "]", true],
  ["[\\-]", "-", true],
  ["[x\\-]", "x", true],
  ["[x\\-]", "-", true],
  ["[x\\-]", "z", false],
  ["[\\-x]", "x", true],
  ["[\\-x]", "-", true],
  ["[\\-x]", "a", false],
  ["*x", "xxx", true],
];

describe("moby/patternmatcher test tables", () => {
  it.each(mobyMatches)("pattern %j on %j -> %j", (pattern, path, expected) => {
    const matcher = new DockerIgnore([pattern]);
    // as the walk evaluates it (parent results handed down; the walk never sees "/") ...
    if (path !== "/") expect(matcher.ignores(path.replace(/\/$/, ""))).toBe(expected);
    // ... and without any parent information
    expect(matcher.matchesUsingParentResults(path).matched).toBe(expected);
  });

  it.each(mobyMultiPattern)("patterns %j on %j -> %j", (patterns, path, expected) => {
    expect(new DockerIgnore(patterns).ignores(path)).toBe(expected);
    expect(new DockerIgnore(patterns).matchesUsingParentResults(path).matched).toBe(expected);
  });

  it.each(goMatchTests)("filepath.Match %j on %j -> %j", (pattern, path, expected) => {
    expect(new DockerIgnore([pattern]).ignores(path)).toBe(expected);
  });
});
