import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, startService } from "./mlflow/process";

/**
 * Azurite (blob only) for the workspace datastore in integration tests and benchmarks: a free port,
 * in memory by default (or a temp folder for large benches), strict mode (loose off), and the API
 * version check skipped because @azure/storage-blob may be newer than the Azurite release.
 */

/** Azurite's fixed development account, read from Azurite itself (public, but still never printed). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emulator = require("azurite/dist/src/blob/utils/constants") as { EMULATOR_ACCOUNT_NAME: string; EMULATOR_ACCOUNT_KEY_STR: string };
export const AZURITE_ACCOUNT = emulator.EMULATOR_ACCOUNT_NAME;
export const AZURITE_ACCOUNT_KEY = emulator.EMULATOR_ACCOUNT_KEY_STR;

export interface RunningAzurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1`: the blob service URL for this account. */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAzurite(options: { persistence?: "memory" | "disk" } = {}): Promise<RunningAzurite> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-lab-azurite-"));
  const port = await freePort();
  const bin = path.join(__dirname, "..", "..", "node_modules", ".bin", process.platform === "win32" ? "azurite-blob.cmd" : "azurite-blob");
  const args = ["--blobHost", "127.0.0.1", "--blobPort", String(port), "--skipApiVersionCheck", "--disableTelemetry", "--silent"];
  // In memory by default; a folder when asked (the 1 GiB bench would otherwise hold it all in RAM).
  args.push(...((options.persistence ?? "memory") === "memory" ? ["--inMemoryPersistence"] : ["--location", workDir]));
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  const service = await startService({
    name: "azurite",
    command: bin,
    args,
    cwd: workDir,
    port,
    // Anonymous requests get 4xx; any HTTP answer means it listens.
    readyUrl: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}?comp=properties&restype=service`,
    logFile: path.join(workDir, "azurite.log"),
    readyStatus: (status) => status > 0,
    timeoutMs: 30_000,
  });
  return {
    blobEndpoint,
    accountName: AZURITE_ACCOUNT,
    accountKey: AZURITE_ACCOUNT_KEY,
    port,
    stop: async () => {
      await service.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
