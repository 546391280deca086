import { createHash } from "node:crypto";
import { networkErrorCode, retrying } from "../../azure/retry";
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
  let response: { ok: boolean; status: number; body: Buffer };
  try {
    // The toolkit's retry loop: 408, 429, 5xx and network failures (a stalled attempt included) are tried again.
    response = await retrying(
      async () => {
        const answer = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
        return { ok: answer.ok, status: answer.status, body: answer.ok ? Buffer.from(await answer.arrayBuffer()) : Buffer.alloc(0) };
      },
      (result) => {
        if ("error" in result) {
          lastReason = result.error instanceof Error ? result.error.message : String(result.error);
          return { networkErrorCode: (result.error as Error)?.name === "TimeoutError" ? "ETIMEDOUT" : networkErrorCode(result.error) };
        }
        if (result.value.ok) return undefined;
        lastReason = `HTTP ${result.value.status}`;
        return { status: result.value.status };
      },
      { retry: { maxRetries: attempts - 1, baseDelayMs: 500, maxDelayMs: 5_000 } },
    );
  } catch {
    throw new OperationFailedError(`could not download the dataset from ${url}: ${lastReason}`);
  }
  if (!response.ok) throw new OperationFailedError(`could not download the dataset from ${url}: ${lastReason}`);
  const body = response.body;
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
