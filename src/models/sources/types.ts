/** What every push source resolves to: a model directory on local disk and where it came from. */

export interface ModelOrigin {
  /** The source as the user gave it (for messages and tags). */
  source: string;
  kind: "local" | "run" | "registry" | "logged-model" | "mlruns";
  runId?: string;
  artifactPath?: string;
  registeredName?: string;
  registeredVersion?: string;
  loggedModelId?: string;
  /** Run metrics (last value per key) when the source knows them. */
  metrics?: Record<string, number>;
}

export interface ResolvedModel {
  /** A folder with MLmodel at its root. */
  dir: string;
  /** A folder name for upload paths: the artifact path's basename, else the folder's own name. */
  displayName: string;
  origin: ModelOrigin;
  /** Bytes fetched over the network to get here (0 for local folders). */
  downloadedBytes: number;
  /** Removes a temporary download; a no-op for folders that were already on disk. */
  cleanup(): Promise<void>;
}
