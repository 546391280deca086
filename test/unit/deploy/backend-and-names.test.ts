import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ownerFromAccessToken } from "../../../src/deploy/owner";
import { backendSettings } from "../../../src/deploy/pulumi-backend";
import { randomSuffix, SUFFIX_PATTERN } from "../../../src/config/suffix";
import { labNames } from "../../../src/lab/naming";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("local Pulumi backend", () => {
  it("keeps state under the state directory and generates a private passphrase file once", () => {
    const env = { MLFLOW_LAB_STATE_DIR: dir };
    const first = backendSettings(env);
    expect(first.backendUrl).toBe(`file://${path.join(dir, "pulumi")}`);
    expect(first.envVars.PULUMI_BACKEND_URL).toBe(first.backendUrl);
    expect(first.envVars.PULUMI_CONFIG_PASSPHRASE_FILE).toBe(path.join(dir, "pulumi-passphrase"));
    expect(first.envVars.PULUMI_CONFIG_PASSPHRASE).toBeUndefined();
    const stat = fs.statSync(first.passphraseFile!);
    expect(stat.mode & 0o777).toBe(0o600);
    const passphrase = fs.readFileSync(first.passphraseFile!, "utf8");
    expect(passphrase.length).toBeGreaterThanOrEqual(40);
    // The passphrase itself appears nowhere in what the toolkit hands around.
    expect(JSON.stringify(first)).not.toContain(passphrase);
    expect(backendSettings(env).passphraseFile).toBe(first.passphraseFile);
    expect(fs.readFileSync(first.passphraseFile!, "utf8")).toBe(passphrase);
  });

  it("uses the user's PULUMI_CONFIG_PASSPHRASE or _FILE when set, and generates nothing", () => {
    expect(backendSettings({ MLFLOW_LAB_STATE_DIR: dir, PULUMI_CONFIG_PASSPHRASE: "s3cret" }).envVars).toMatchObject({ PULUMI_CONFIG_PASSPHRASE: "s3cret" });
    expect(backendSettings({ MLFLOW_LAB_STATE_DIR: dir, PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secret" }).envVars).toMatchObject({ PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secret" });
    expect(fs.existsSync(path.join(dir, "pulumi-passphrase"))).toBe(false);
  });

  it("lives under ~/clouddrive in Cloud Shell", () => {
    fs.mkdirSync(path.join(dir, "clouddrive"));
    expect(backendSettings({ HOME: dir }).backendUrl).toBe(`file://${path.join(dir, "clouddrive", ".mlflow-lab", "pulumi")}`);
  });
});

describe("lab names", () => {
  it("a suffix is 7 characters of [0-9a-z]; the group and workspace keep setup.ps1's names", () => {
    for (let i = 0; i < 50; i++) expect(randomSuffix()).toMatch(SUFFIX_PATTERN);
    expect(randomSuffix(() => 35)).toBe("zzzzzzz");
    expect(labNames("abc1234").resourceGroup).toBe("msl-abc1234");
    expect(labNames("abc1234").databricksWorkspace).toBe("databricks-abc1234");
  });
});

describe("owner from the sign-in", () => {
  const jwt = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.s`;

  it("takes a user's UPN, or an app's id for app tokens", () => {
    expect(ownerFromAccessToken(jwt({ upn: "learner@contoso.com", oid: "x" }))).toBe("learner@contoso.com");
    expect(ownerFromAccessToken(jwt({ unique_name: "live.com#someone@outlook.com" }))).toBe("someone@outlook.com");
    expect(ownerFromAccessToken(jwt({ preferred_username: "someone@outlook.com" }))).toBe("someone@outlook.com");
    expect(ownerFromAccessToken(jwt({ appid: "11111111-2222-3333-4444-555555555555", idtyp: "app" }))).toBe("11111111-2222-3333-4444-555555555555");
  });

  it("gives up on anything that is not a JWT", () => {
    expect(ownerFromAccessToken("arm-test-server-token")).toBeUndefined();
    expect(ownerFromAccessToken("a.b.c")).toBeUndefined();
  });
});
