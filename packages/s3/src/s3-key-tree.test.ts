import { describe, expect, it } from "vitest";
import { S3KeyTree } from "./s3-key-tree.js";

function treeOf(...keys: string[]): S3KeyTree {
  const tree = new S3KeyTree();
  for (const key of keys) tree.add(key);
  return tree;
}

describe("S3KeyTree", () => {
  it("makes directories of key prefixes, keeps markers as directories and leaves out empty segments", () => {
    const tree = treeOf("b.txt", "a/c.txt", "a/d/e.txt", "marker/", "x//y.txt", "ab/f.txt");
    expect([...tree.walk("s3://b/r", true)]).toEqual([
      ["s3://b/r", ["a", "ab", "marker"], ["b.txt"]],
      ["s3://b/r/a", ["d"], ["c.txt"]],
      ["s3://b/r/a/d", [], ["e.txt"]],
      ["s3://b/r/ab", [], ["f.txt"]],
      ["s3://b/r/marker", [], []],
    ]);
  });

  it("walks bottom-up, and top-down without the directories a consumer removes", () => {
    const tree = treeOf("a/1", "a/b/2", "c/3");
    expect([...tree.walk("r", false)].map(([dir]) => dir)).toEqual(["r/a/b", "r/a", "r/c", "r"]);
    const visited: string[] = [];
    for (const [dir, dirs] of tree.walk("r", true)) {
      visited.push(dir);
      if (dir === "r") dirs.splice(dirs.indexOf("a"), 1);
    }
    expect(visited).toEqual(["r", "r/c"]);
  });
});
