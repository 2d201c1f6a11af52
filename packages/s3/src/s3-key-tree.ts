import type { ArtifactStoreWalkEntry } from "@flavorstack/core/plugin";

/** The directories and files that keys below one prefix make: `a/b.txt` is directory `a` holding file `b.txt`. */
export class S3KeyTree {
  readonly #dirs = new Map<string, S3KeyTree>();
  readonly #files = new Set<string>();

  /** Adds a key, relative to the tree's prefix. A directory marker (`dir/`) adds the directory only. */
  add(relativeKey: string): void {
    const names = relativeKey.split("/");
    const fileName = names.pop() as string;
    // Keys with empty segments (`a//b`) cannot be reached through store paths: left out.
    if (names.some((name) => name === "")) return;
    let node: S3KeyTree = this;
    for (const name of names) {
      let child = node.#dirs.get(name);
      if (child === undefined) {
        child = new S3KeyTree();
        node.#dirs.set(name, child);
      }
      node = child;
    }
    if (fileName !== "") node.#files.add(fileName);
  }

  /**
   * `[dir, dirs, files]` for `dir` (this tree) and every directory below it, names sorted. Top-down, names a consumer
   * removes from `dirs` are not descended into; bottom-up, a directory comes after everything below it.
   */
  *walk(dir: string, topdown: boolean): Generator<ArtifactStoreWalkEntry> {
    const dirs = [...this.#dirs.keys()].sort();
    const entry: ArtifactStoreWalkEntry = [dir, dirs, [...this.#files].sort()];
    if (topdown) yield entry;
    for (const name of [...dirs]) {
      if (topdown && !dirs.includes(name)) continue;
      yield* (this.#dirs.get(name) as S3KeyTree).walk(`${dir}/${name}`, topdown);
    }
    if (!topdown) yield entry;
  }
}
