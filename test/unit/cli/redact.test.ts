import { describe, expect, it } from "vitest";
import { failureMessage } from "../../../src/cli/failure-message";
import { afterEach } from "vitest";
import { maskSecretsIn } from "../../../src/cli/output-mode";
import { clearRegisteredSecrets, redactSecrets, registerSecret, registerUriCredentials } from "../../../src/secrets/redact";

/**
 * The CLI's last guard: whatever text an error carries, what reaches the terminal has no secret in it,
 * while the rest of the message (hosts, paths, names) stays readable.
 */
const NO_ENV = {};

describe("redactSecrets", () => {
  it("masks a SAS signature and other credential query parameters, keeping host and path", () => {
    const text = "PUT https://acct.blob.core.windows.net/c/LocalUpload/x/MLmodel?sv=2022-11-02&ss=b&sig=AbCd%2Bef%3D&se=2030 failed";
    const out = redactSecrets(text, NO_ENV);
    expect(out).not.toContain("AbCd%2Bef");
    expect(out).toContain("https://acct.blob.core.windows.net/c/LocalUpload/x/MLmodel?sv=2022-11-02&ss=b&sig=***&se=2030");
    expect(redactSecrets("https://fn.azurewebsites.net/api/score?code=k3y-V4lue&x=1", NO_ENV)).toBe("https://fn.azurewebsites.net/api/score?code=***&x=1");
  });

  it("masks the password of user:password@ in a URL", () => {
    const out = redactSecrets("MLflow tracking server https://alice:S3cret%21@mlflow.example.com:5000 is unreachable", NO_ENV);
    expect(out).toBe("MLflow tracking server https://alice:***@mlflow.example.com:5000 is unreachable");
  });

  it("masks bearer and basic credentials, connection-string keys, JWTs and Databricks tokens", () => {
    const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhQGIuYyIsImV4cCI6MX0.c2lnbmF0dXJlLXBhcnQ";
    const text = [
      "authorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789",
      "Basic YWxpY2U6czNjcmV0LXBhc3N3b3Jk",
      "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFyYmF6cXV4==;EndpointSuffix=core.windows.net",
      `token ${jwt}`,
      "dapi0123456789abcdef0123456789abcdef-2",
    ].join("\n");
    const out = redactSecrets(text, NO_ENV);
    for (const secret of ["abcdefghijklmnopqrstuvwxyz0123456789", "YWxpY2U6czNjcmV0LXBhc3N3b3Jk", "Zm9vYmFyYmF6cXV4", jwt, "dapi0123456789abcdef"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net");
  });

  it("masks the values of secret environment variables wherever they appear, but not paths or names", () => {
    const env = {
      DATABRICKS_TOKEN: "not-a-dapi-shaped-token",
      MLFLOW_TRACKING_PASSWORD: "hunter2-but-longer",
      PULUMI_CONFIG_PASSPHRASE: "correct horse battery staple",
      MLFLOW_LAB_ACCESS_TOKEN: "opaque-test-token",
      SCORE_KEY: "endpoint-key-value-123",
      PULUMI_CONFIG_PASSPHRASE_FILE: "/home/me/.mlflow-lab/pulumi-passphrase",
      AZURE_KEY_VAULT_NAME: "kv-msl-abc1234",
      SHORT_TOKEN: "abc",
    };
    const text =
      "failed: not-a-dapi-shaped-token / hunter2-but-longer / correct horse battery staple / opaque-test-token / endpoint-key-value-123; " +
      "see /home/me/.mlflow-lab/pulumi-passphrase and vault kv-msl-abc1234 (abc)";
    const out = redactSecrets(text, env);
    expect(out).toBe("failed: *** / *** / *** / *** / ***; see /home/me/.mlflow-lab/pulumi-passphrase and vault kv-msl-abc1234 (abc)");
  });

  it("leaves ordinary messages alone", () => {
    const text = "--stack 'nosuch' has no settings file stacks/Pulumi.nosuch.yaml; presets: lab, course, full (sent as Bearer)";
    expect(redactSecrets(text, NO_ENV)).toBe(text);
  });
});

describe("failureMessage", () => {
  it("is one line and masks secrets from any layer", () => {
    const error = new Error("upload failed\n  at https://acct.blob.core.windows.net/c/f?sv=1&sig=SIGNATUREVALUE\n  with key endpoint-key-value-123");
    const line = failureMessage(error, { SCORE_KEY: "endpoint-key-value-123" });
    expect(line).not.toContain("\n");
    expect(line).not.toContain("SIGNATUREVALUE");
    expect(line).not.toContain("endpoint-key-value-123");
  });

  it("says how to get the Pulumi CLI when the engine cannot start, instead of the spawn error", () => {
    const error = new Error("code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n err?: Error: Command failed with ENOENT");
    const line = failureMessage(error, NO_ENV);
    expect(line).toMatch(/^the Pulumi CLI is not installed or not on PATH: install it .*--outputs <file>/);
    expect(line).not.toContain("ENOENT");
  });
});

describe("registerSecret", () => {
  afterEach(() => clearRegisteredSecrets());

  it("masks a registered value in every later redactSecrets call, with no environment and no extraSecrets", () => {
    expect(redactSecrets("key is plain-looking-value-42", NO_ENV)).toBe("key is plain-looking-value-42");
    registerSecret("plain-looking-value-42");
    expect(redactSecrets("key is plain-looking-value-42", NO_ENV)).toBe("key is ***");
    expect(failureMessage(new Error("refused plain-looking-value-42"), NO_ENV)).toBe("refused ***");
  });

  it("ignores empty and short values, and masks a URI password in its decoded and encoded forms", () => {
    registerSecret(undefined);
    registerSecret("short");
    expect(redactSecrets("a short text", NO_ENV)).toBe("a short text");
    registerUriCredentials("http://alice:p%40ss-w0rd!x@mlflow.example");
    expect(redactSecrets("basic alice p@ss-w0rd!x and p%40ss-w0rd!x", NO_ENV)).toBe("basic alice *** and ***");
    registerUriCredentials("not a uri");
  });

  it("maskSecretsIn masks what is written to a stream until undone", () => {
    registerSecret("stream-secret-value");
    const written: string[] = [];
    const stream = { write: (chunk: unknown) => (written.push(String(chunk)), true) } as unknown as NodeJS.WritableStream;
    const undo = maskSecretsIn(stream);
    stream.write("step: using stream-secret-value\n");
    undo();
    stream.write("after stream-secret-value\n");
    expect(written).toEqual(["step: using ***\n", "after stream-secret-value\n"]);
  });
});
