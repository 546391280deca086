import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { stateDir } from "../config/state-dir";

/**
 * The local Pulumi backend and its secrets passphrase. State lives in a file backend under the state
 * directory (~/clouddrive/.mlflow-lab in Cloud Shell, which survives sessions). The passphrase that
 * encrypts stack secrets is taken from PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE when
 * set; otherwise one is generated once into a 0600 file next to the state and passed by file name,
 * so it never appears in the environment listing, on the screen or in a log.
 */
export interface BackendSettings {
  backendUrl: string;
  /** Environment for the Pulumi CLI: backend URL and exactly one passphrase variable. */
  envVars: Record<string, string>;
  /** Where the generated passphrase lives, when one was generated (never its content). */
  passphraseFile?: string;
}

export function backendSettings(env: NodeJS.ProcessEnv = process.env): BackendSettings {
  const dir = stateDir(env);
  const pulumiDir = path.join(dir, "pulumi");
  // A backend the user chose (CI shards share one: azblob://<container>?storage_account=<name>, which
  // signs in with the Azure CLI's credential since pulumi/pulumi#10900) wins over the local file backend.
  const chosen = env.PULUMI_BACKEND_URL?.trim();
  if (!chosen) fs.mkdirSync(pulumiDir, { recursive: true });
  const backendUrl = chosen || `file://${pulumiDir}`;
  const envVars: Record<string, string> = { PULUMI_BACKEND_URL: backendUrl, PULUMI_SKIP_UPDATE_CHECK: "true" };
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    envVars.PULUMI_CONFIG_PASSPHRASE = env.PULUMI_CONFIG_PASSPHRASE;
    return { backendUrl, envVars };
  }
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    envVars.PULUMI_CONFIG_PASSPHRASE_FILE = env.PULUMI_CONFIG_PASSPHRASE_FILE;
    return { backendUrl, envVars };
  }
  const passphraseFile = path.join(dir, "pulumi-passphrase");
  if (!fs.existsSync(passphraseFile)) {
    fs.writeFileSync(passphraseFile, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
  }
  envVars.PULUMI_CONFIG_PASSPHRASE_FILE = passphraseFile;
  return { backendUrl, envVars, passphraseFile };
}
