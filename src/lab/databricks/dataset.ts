import { createHash } from "node:crypto";
import { OperationFailedError } from "../../errors";

/**
 * Fetches the lab dataset at deploy time and proves it is the file the lab was written for. The file is
 * not committed (it belongs to the lab's repository); its sha256 is pinned in config, so an upstream
 * change or an altered download stops the deploy instead of silently training on other data.
 */
export interface FetchDatasetOptions {
  /** Abort a stalled download (default 30 s per attempt). */
  timeoutMs?: number;
  attempts?: number;
  /** The dataset is 9.5 kB; anything far larger is not it. */
  maxBytes?: number;
}

export async function fetchVerifiedDataset(
  url: string,
  expectedSha256: string,
  options: FetchDatasetOptions = {},
): Promise<Buffer> {
  const attempts = options.attempts ?? 3;
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  let lastReason = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
      if (!response.ok) {
        lastReason = `HTTP ${response.status}`;
        // 4xx other than 408/429 will not get better by retrying.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
      } else {
        const body = Buffer.from(await response.arrayBuffer());
        if (body.length > maxBytes) {
          throw new OperationFailedError(`dataset ${url} is ${body.length} bytes, more than the ${maxBytes} expected`);
        }
        const actual = createHash("sha256").update(body).digest("hex");
        if (actual !== expectedSha256.toLowerCase()) {
          throw new OperationFailedError(
            `dataset ${url} has sha256 ${actual}, expected ${expectedSha256} (config datasetSha256); the file changed upstream or the download was altered`,
          );
        }
        return body;
      }
    } catch (error) {
      if (error instanceof OperationFailedError) throw error;
      lastReason = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
  throw new OperationFailedError(`could not download the dataset from ${url}: ${lastReason}`);
}
