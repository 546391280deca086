import * as fs from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { mapLimit } from "../map-limit";

/**
 * Recursive, parallel (bounded) download of a remote artifact folder into a local directory. The
 * adapters (mlflow-artifacts proxy, Databricks signed URLs, run artifacts) only say how to list one
 * folder and how to fetch one file.
 */

export interface RemoteEntry {
  /** Path relative to the tree's root, `/`-separated. */
  relPath: string;
  isDir: boolean;
  size?: number;
}

export interface RemoteTree {
  /** Lists one folder ("" = the root). */
  list(relDir: string): Promise<RemoteEntry[]>;
  fetch(relPath: string): Promise<Response>;
}

export interface DownloadResult {
  files: number;
  bytes: number;
}

export const DOWNLOAD_CONCURRENCY = 8;

export async function listTree(tree: RemoteTree): Promise<RemoteEntry[]> {
  const files: RemoteEntry[] = [];
  let dirs = [""];
  while (dirs.length > 0) {
    const listings = await mapLimit(dirs, DOWNLOAD_CONCURRENCY, (dir) => tree.list(dir));
    dirs = [];
    for (const entries of listings) {
      for (const entry of entries) {
        if (entry.isDir) dirs.push(entry.relPath);
        else files.push(entry);
      }
    }
  }
  return files;
}

function safeJoin(root: string, relPath: string): string {
  const target = path.resolve(root, ...relPath.split("/"));
  if (target !== root && !target.startsWith(root + path.sep)) throw new Error(`refusing artifact path outside the model folder: ${relPath}`);
  return target;
}

export async function downloadTree(tree: RemoteTree, dest: string, concurrency = DOWNLOAD_CONCURRENCY): Promise<DownloadResult> {
  const files = await listTree(tree);
  const root = path.resolve(dest);
  fs.mkdirSync(root, { recursive: true });
  let bytes = 0;
  await mapLimit(files, concurrency, async (file) => {
    const target = safeJoin(root, file.relPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const response = await tree.fetch(file.relPath);
    if (!response.body) {
      fs.writeFileSync(target, "");
      return;
    }
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream), fs.createWriteStream(target));
    bytes += fs.statSync(target).size;
  });
  return { files: files.length, bytes };
}
