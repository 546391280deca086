import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { armEndpoint, createCredential, hasLiveCredentials, StaticTokenCredential } from "../../../src/azure/credentials";

describe("credentials", () => {
  it("uses MLFLOW_LAB_ACCESS_TOKEN as a static bearer token", async () => {
    const cred = createCredential({ MLFLOW_LAB_ACCESS_TOKEN: "abc" });
    expect(cred).toBeInstanceOf(StaticTokenCredential);
    expect((await cred.getToken("https://management.azure.com/.default"))?.token).toBe("abc");
  });
  it("defaults the endpoint to public ARM and strips a trailing slash from an override", () => {
    expect(armEndpoint({})).toBe("https://management.azure.com");
    expect(armEndpoint({ MLFLOW_LAB_ARM_ENDPOINT: "https://127.0.0.1:8443/" })).toBe("https://127.0.0.1:8443");
  });
  it("detects credential sources without contacting anything", () => {
    const empty = mkdtempSync(join(tmpdir(), "home-"));
    expect(hasLiveCredentials({}, empty)).toBe(false);
    expect(hasLiveCredentials({ MLFLOW_LAB_ACCESS_TOKEN: "x" }, empty)).toBe(true);
    expect(hasLiveCredentials({ AZURE_CLIENT_ID: "c", AZURE_TENANT_ID: "t", AZURE_FEDERATED_TOKEN_FILE: "/f" }, empty)).toBe(true);
    expect(hasLiveCredentials({ AZURE_CLIENT_ID: "c", AZURE_TENANT_ID: "t" }, empty)).toBe(false);
    expect(hasLiveCredentials({ IDENTITY_ENDPOINT: "http://localhost:50342" }, empty)).toBe(true);
    const withCli = mkdtempSync(join(tmpdir(), "home-"));
    mkdirSync(join(withCli, ".azure"));
    writeFileSync(join(withCli, ".azure", "azureProfile.json"), "{}");
    writeFileSync(join(withCli, ".azure", "msal_token_cache.json"), "{}");
    expect(hasLiveCredentials({}, withCli)).toBe(true);
  });
});
