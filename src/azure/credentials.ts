/**
 * Where ARM credentials and the ARM endpoint come from. One place, so the CLI, the deploy flow, the
 * cleanup job and the tests (which point everything at the ARM test server) agree.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";

export type Env = Record<string, string | undefined>;

/** A bearer token handed to us as-is (CI, hosted labs, tests against the ARM test server). */
export class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    // The token's real expiry is unknown; an hour keeps the pipeline from asking again per request.
    return { token: this.token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}

/** MLFLOW_LAB_ACCESS_TOKEN when set, else the standard Azure credential chain. */
export function createCredential(env: Env = process.env): TokenCredential {
  const token = env.MLFLOW_LAB_ACCESS_TOKEN?.trim();
  if (token) return new StaticTokenCredential(token);
  return new DefaultAzureCredential();
}

/** MLFLOW_LAB_ARM_ENDPOINT (without a trailing slash) or the public cloud's ARM endpoint. */
export function armEndpoint(env: Env = process.env): string {
  const raw = env.MLFLOW_LAB_ARM_ENDPOINT?.trim();
  return (raw && raw.length > 0 ? raw : DEFAULT_ARM_ENDPOINT).replace(/\/+$/, "");
}

/** The token scope for an ARM endpoint: `<endpoint>/.default`. */
export function armScope(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, "")}/.default`;
}

/** Where the Azure CLI keeps its profile and token cache: AZURE_CONFIG_DIR, else ~/.azure. */
export function azureCliConfigDir(env: Env = process.env, home: string = homedir()): string {
  return env.AZURE_CONFIG_DIR ?? join(home, ".azure");
}

/**
 * A quick, offline answer to "could a credential work here?": no token is requested. Used to decide
 * between live signals and the bundled example snapshot, so a false positive only costs a failed call.
 */
export function hasLiveCredentials(env: Env = process.env, home: string = homedir()): boolean {
  if (env.MLFLOW_LAB_ACCESS_TOKEN?.trim()) return true;
  // Service principal with secret, certificate or workload identity (GitHub OIDC, AKS).
  if (env.AZURE_CLIENT_ID && env.AZURE_TENANT_ID) {
    if (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH || env.AZURE_FEDERATED_TOKEN_FILE) return true;
  }
  // Managed identity (App Service, Container Apps jobs, Cloud Shell).
  if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) return true;
  // Azure CLI / azd logins leave a profile behind.
  const azureDir = azureCliConfigDir(env, home);
  if (existsSync(join(azureDir, "azureProfile.json")) && existsSync(join(azureDir, "msal_token_cache.json"))) return true;
  if (existsSync(join(azureDir, "msal_token_cache.bin"))) return true;
  return false;
}
