import type { Bucket } from "@google-cloud/storage";

/** One page of a listing: object names (full keys) and, with a delimiter, the common prefixes. */
export interface ListingPage {
  names: string[];
  prefixes: string[];
}

export interface ListingOptions {
  prefix: string;
  /** `/` to list one level (common prefixes for the levels below). */
  delimiter?: string;
  /** Objects per page (GCS's maximum and default is 1,000). */
  pageSize?: number;
}

/** GCS's page size limit. */
export const MAX_PAGE_SIZE = 1000;

/** The pages of a listing, following `nextPageToken`, asking for names only. */
export async function* listPages(bucket: Bucket, options: ListingOptions): AsyncGenerator<ListingPage> {
  let pageToken: string | undefined;
  do {
    const [files, nextQuery, response] = await bucket.getFiles({
      prefix: options.prefix,
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
      maxResults: options.pageSize ?? MAX_PAGE_SIZE,
      autoPaginate: false,
      fields: "items(name),prefixes,nextPageToken",
      ...(pageToken === undefined ? {} : { pageToken }),
    });
    const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
    yield { names: files.map((file) => file.name), prefixes };
    pageToken = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
  } while (pageToken !== undefined);
}

/** Whether any object has a name starting with `prefix` (one request; a missing bucket throws). */
export async function hasObjectsUnder(bucket: Bucket, prefix: string): Promise<boolean> {
  const [files] = await bucket.getFiles({ prefix, maxResults: 1, autoPaginate: false, fields: "items(name)" });
  return files.length > 0;
}

/** A directory of a tree built from one recursive listing. */
export interface TreeDirectory {
  dirs: Map<string, TreeDirectory>;
  files: Set<string>;
}

/**
 * The directory tree below `prefix` (which ends with `/`) from one recursive listing. Names ending in `/` (folder
 * placeholders made by the console or other tools) make a directory, not a file.
 */
export async function listTree(bucket: Bucket, prefix: string): Promise<{ tree: TreeDirectory; empty: boolean }> {
  const tree: TreeDirectory = { dirs: new Map(), files: new Set() };
  let empty = true;
  for await (const page of listPages(bucket, { prefix })) {
    for (const name of page.names) {
      empty = false;
      const parts = name.slice(prefix.length).split("/");
      const fileName = parts.pop() as string;
      let dir = tree;
      for (const part of parts) {
        if (part === "") continue;
        let child = dir.dirs.get(part);
        if (child === undefined) {
          child = { dirs: new Map(), files: new Set() };
          dir.dirs.set(part, child);
        }
        dir = child;
      }
      if (fileName !== "") dir.files.add(fileName);
    }
  }
  return { tree, empty };
}
