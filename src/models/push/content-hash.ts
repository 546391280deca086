import { createHash, type Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelFile } from "../model-dir";

/**
 * The folder hash azure-ai-ml uses for upload paths (`LocalUpload/<hash>/<folder>`), reproduced so a
 * model pushed by us and by the Python SDK / `az ml` lands on the same path and dedup works across
 * tools. azure-ai-ml 1.28.0 and later (checked in 1.28.0 and 1.35.2, `_utils/_asset_utils.py`
 * get_object_hash / _get_dir_hash, read 2026-12-03) hash with SHA-256, 64 hex digits; 1.27.1 and earlier
 * used MD5 with the same walk. The walk: the digest is seeded with a fixed phrase; entries sorted by
 * lower-cased path; for each entry its name (UTF-8), then the file's bytes or the directory's contents
 * (recursively); symlinks followed. (.amlignore/.gitignore exclusions are not applied: MLflow model
 * folders don't carry them.)
 *
 * Each file's MD5 is what Blob storage keeps as Content-MD5 (the upload sets it, and a resumed upload
 * compares it); both digests read files through the one routine below
 * (https://learn.microsoft.com/rest/api/storageservices/put-blob: Content-MD5).
 */

const SEED = "Initialize for october 2021 AML CLI version";
const CHUNK = 1 << 20;

function feedFile(file: string, hash: Hash, buffer: Buffer, onBytes?: (n: number) => void): void {
  const fd = fs.openSync(file, "r");
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      onBytes?.(n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Python sorts `str(path).lower()`; within one folder that is the lower-cased name, by code point. */
function sortedEntries(dir: string): string[] {
  return fs.readdirSync(dir).sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function feedDir(dir: string, hash: Hash, buffer: Buffer, onBytes?: (n: number) => void): void {
  for (const name of sortedEntries(dir)) {
    const full = path.join(dir, name);
    hash.update(Buffer.from(name, "utf8"));
    const stat = fs.statSync(full); // follows symlinks
    if (stat.isFile()) feedFile(full, hash, buffer, onBytes);
    else if (stat.isDirectory()) feedDir(full, hash, buffer, onBytes);
  }
}

/** azure-ai-ml's hash of a folder (SHA-256, hex): the `LocalUpload/<hash>/` of the upload path. */
export function azureMlObjectHash(target: string, onBytes?: (n: number) => void): string {
  const hash = createHash("sha256").update(SEED);
  const buffer = Buffer.allocUnsafe(CHUNK);
  if (fs.statSync(target).isDirectory()) feedDir(target, hash, buffer, onBytes);
  else feedFile(target, hash, buffer, onBytes);
  return hash.digest("hex");
}

/**
 * Each file's MD5, base64 as Blob storage keeps Content-MD5, by its relative path. Taken only when an
 * upload is due (an unchanged model is known from the folder hash alone), in one pass before the sends.
 */
export function md5OfFiles(files: readonly ModelFile[]): Map<string, string> {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const md5 = new Map<string, string>();
  for (const file of files) {
    const hash = createHash("md5");
    feedFile(file.absPath, hash, buffer);
    md5.set(file.relPath, hash.digest("base64"));
  }
  return md5;
}
