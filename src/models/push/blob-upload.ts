import * as fs from "node:fs";
import type { ContainerClient } from "@azure/storage-blob";
import { Semaphore } from "../../azure/rate-limit";
import { mapLimit } from "../map-limit";
import type { ModelFile } from "../model-dir";

/**
 * Uploads a model folder to `<prefix>/<relative path>` in a blob container the way azure-ai-ml does
 * (so its dedup marker is understood by both): the first file in path order is the "indicator" blob
 * and gets `{upload_status: "completed", name, version}` metadata once everything is committed.
 * - Unchanged model: the indicator says completed, nothing is uploaded (0 bytes).
 * - Interrupted upload: blobs already committed with the same size and Content-MD5 are kept.
 * - Large files go up as parallel blocks (stageBlock + commitBlockList).
 * Every blob gets its file's MD5 as Content-MD5 (for the next resume check), taken computed before the sends
 * (content-hash.ts md5OfFiles): a file is read here only to be sent.
 */

export const UPLOAD_COMPLETED = { upload_status: "completed" } as const;
export const BLOCK_SIZE = 8 << 20;
/** Blocks (or small files) in flight at once, across files. */
export const UPLOAD_CONCURRENCY = 8;
/** Files at most this big are read into memory and sent in one Put Blob. */
const SMALL_FILE_LIMIT = 4 << 20;
/**
 * Files up to this size are streamed in one Put Blob, as the Azure SDK's uploadFile does by default
 * (maxSingleShotSize): one request beats many blocks plus a commit; bigger files go up in parallel blocks.
 */
export const SINGLE_SHOT_LIMIT = 256 << 20;

export interface UploadProgress {
  /** Bytes of files this run had to send (skipped files are not counted). */
  total: number;
  sent: number;
}

export interface UploadOptions {
  container: ContainerClient;
  /** e.g. `LocalUpload/<sha256>/model` (no trailing slash). */
  prefix: string;
  files: ModelFile[];
  /** Each file's MD5 (base64) by its relative path (content-hash.ts md5OfFiles). */
  md5: ReadonlyMap<string, string>;
  assetName: string;
  assetVersion: string;
  concurrency?: number;
  blockSize?: number;
  /** Files above this size go up in blocks (default SINGLE_SHOT_LIMIT). */
  singleShotLimit?: number;
  onProgress?: (progress: UploadProgress) => void;
  /** Called after each file is committed; throwing aborts the upload (tests simulate interruptions). */
  afterFile?: (file: ModelFile, index: number) => void;
}

export interface UploadResult {
  /** The dedup marker said this exact content is already there. */
  alreadyUploaded: boolean;
  uploadedFiles: number;
  skippedFiles: number;
  uploadedBytes: number;
}

function blobName(prefix: string, file: ModelFile): string {
  return `${prefix}/${file.relPath}`;
}

function blockId(index: number): string {
  // Block ids must have equal length within a blob.
  return Buffer.from(`block-${String(index).padStart(8, "0")}`).toString("base64");
}

export async function readIndicatorStatus(container: ContainerClient, prefix: string, files: ModelFile[]): Promise<Record<string, string> | undefined> {
  const first = files[0];
  if (!first) return undefined;
  try {
    const props = await container.getBlobClient(blobName(prefix, first)).getProperties();
    return props.metadata;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

async function existingBlobs(container: ContainerClient, prefix: string): Promise<Map<string, { size: number; md5?: string }>> {
  const found = new Map<string, { size: number; md5?: string }>();
  for await (const blob of container.listBlobsFlat({ prefix: `${prefix}/` })) {
    const md5 = blob.properties.contentMD5 ? Buffer.from(blob.properties.contentMD5).toString("base64") : undefined;
    found.set(blob.name, { size: blob.properties.contentLength ?? -1, md5 });
  }
  return found;
}

export async function uploadModelFiles(options: UploadOptions): Promise<UploadResult> {
  const { container, prefix, files } = options;
  const blockSize = options.blockSize ?? BLOCK_SIZE;
  const status = await readIndicatorStatus(container, prefix, files);
  if (status?.upload_status === UPLOAD_COMPLETED.upload_status) {
    return { alreadyUploaded: true, uploadedFiles: 0, skippedFiles: files.length, uploadedBytes: 0 };
  }

  const md5Of = (file: ModelFile): string => {
    const digest = options.md5.get(file.relPath);
    if (digest === undefined) throw new Error(`no MD5 for ${file.relPath}: the folder changed after it was hashed`);
    return digest;
  };
  const existing = await existingBlobs(container, prefix);
  const todo: Array<{ file: ModelFile; index: number }> = [];
  let skipped = 0;
  for (const [index, file] of files.entries()) {
    const there = existing.get(blobName(prefix, file));
    if (there && there.size === file.size && there.md5 !== undefined && there.md5 === md5Of(file)) {
      skipped++;
      continue;
    }
    todo.push({ file, index });
  }

  const progress: UploadProgress = { total: todo.reduce((s, t) => s + t.file.size, 0), sent: 0 };
  options.onProgress?.(progress);
  // One budget of upload slots shared by the blocks and small files of every file.
  const slots = new Semaphore(options.concurrency ?? UPLOAD_CONCURRENCY);
  const sent = (n: number) => {
    progress.sent += n;
    options.onProgress?.(progress);
  };

  let failure: unknown;
  const uploadOne = async ({ file, index }: { file: ModelFile; index: number }) => {
    const md5 = Buffer.from(md5Of(file), "base64");
    const blob = container.getBlockBlobClient(blobName(prefix, file));
    const fd = await fs.promises.open(file.absPath, "r");
    try {
      if (file.size <= SMALL_FILE_LIMIT) {
        const data = await fd.readFile();
        const release = await slots.acquire();
        try {
          if (failure) return;
          await blob.upload(data, data.length, { blobHTTPHeaders: { blobContentMD5: md5 } });
        } finally {
          release();
        }
        sent(data.length);
      } else if (file.size <= (options.singleShotLimit ?? SINGLE_SHOT_LIMIT)) {
        const release = await slots.acquire();
        try {
          if (failure) return;
          await blob.upload(() => fs.createReadStream(file.absPath), file.size, { blobHTTPHeaders: { blobContentMD5: md5 } });
        } finally {
          release();
        }
        sent(file.size);
      } else {
        const ids: string[] = [];
        const staging: Promise<void>[] = [];
        for (let offset = 0, i = 0; offset < file.size; offset += blockSize, i++) {
          const release = await slots.acquire(); // read only as far ahead as there are upload slots
          if (failure) {
            release();
            break;
          }
          const length = Math.min(blockSize, file.size - offset);
          const chunk = Buffer.allocUnsafe(length);
          const { bytesRead } = await fd.read(chunk, 0, length, offset);
          const id = blockId(i);
          ids.push(id);
          staging.push(
            blob
              .stageBlock(id, chunk.subarray(0, bytesRead), bytesRead)
              .then(() => sent(bytesRead))
              .finally(release),
          );
        }
        await Promise.all(staging);
        if (failure) return;
        await blob.commitBlockList(ids, { blobHTTPHeaders: { blobContentMD5: md5 } });
      }
      options.afterFile?.(file, index);
    } finally {
      await fd.close();
    }
  };

  // Files run concurrently too (a model is often many small files); the slots bound the bytes in flight.
  // The first failure stops new files, and `failure` tells the files already running to stop early.
  await mapLimit(todo, options.concurrency ?? UPLOAD_CONCURRENCY, async (item) => {
    try {
      await uploadOne(item);
    } catch (error) {
      failure ??= error;
      throw error;
    }
  });

  // Only now, with every file committed, mark the upload complete (azure-ai-ml's confirmation).
  await container
    .getBlobClient(blobName(prefix, files[0]!))
    .setMetadata({ ...UPLOAD_COMPLETED, name: options.assetName, version: options.assetVersion });
  return { alreadyUploaded: false, uploadedFiles: todo.length, skippedFiles: skipped, uploadedBytes: progress.sent };
}

/** After auto-increment the real version is known: record it on the marker as azure-ai-ml does. */
export async function recordIndicatorVersion(container: ContainerClient, prefix: string, files: ModelFile[], name: string, version: string): Promise<void> {
  const first = files[0];
  if (!first) return;
  await container.getBlobClient(blobName(prefix, first)).setMetadata({ ...UPLOAD_COMPLETED, name, version });
}
