import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { main } from "../../../src/cli/main";
import { clearRegisteredSecrets, redactSecrets } from "../../../src/secrets/redact";
import { startArmTestServer, type ArmTestServer } from "../../support/arm-test-server";
import { trustTestCa } from "../../support/tls";
import { makeModelDir } from "../push/workspace-fixture";

/**
 * The paths where a secret could reach the terminal: errors that quote a URL (a SAS, a user:password),
 * replies that echo the request (and so the key), --json output of a URL with a key in its query, and
 * stack traces under MLFLOW_LAB_DEBUG. Every case runs the real command and checks that no byte of the
 * secret is in stdout or stderr, and that the exit code and the one-line message still say what failed.
 */
const PASSWORD = "Tr4cking-Pa55word";
const KEY = "endpoint-key-0123456789abcdef";
const SAS_SIGNATURE = "SASsignatureSECRET0123456789";
const ACCOUNT_KEY = Buffer.from("storage-account-key-bytes-0123456789").toString("base64");

const stdio = captureCliOutput();
let dir: string;

async function cli(args: string[], env: Record<string, string> = {}): Promise<number> {
  stdio.out = "";
  stdio.err = "";
  Object.assign(process.env, env);
  return main(args);
}

function expectNoSecret(...secrets: string[]): void {
  for (const secret of secrets) {
    expect(stdio.out, "stdout").not.toContain(secret);
    expect(stdio.err, "stderr").not.toContain(secret);
  }
}

/** A local HTTP server whose answer a test decides; it records what it was sent. */
interface Recorder {
  url: string;
  requests: Array<{ method?: string; url?: string; authorization?: string }>;
  close(): Promise<void>;
}

async function serve(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Recorder> {
  const requests: Recorder["requests"] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    req.resume();
    req.on("end", () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-secrets-"));
  process.env.MLFLOW_LAB_STATE_DIR = path.join(dir, "state");
  delete process.env.MLFLOW_TRACKING_URI;
  delete process.env.MLFLOW_TRACKING_TOKEN;
  delete process.env.MLFLOW_TRACKING_USERNAME;
  delete process.env.MLFLOW_TRACKING_PASSWORD;
  delete process.env.DATABRICKS_TOKEN;
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const SOME_WORKSPACE = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";

describe("push-model with a tracking URI that carries user:password", () => {
  it("sends them as basic auth, and no message (nor the debug stack) shows the password", async () => {
    const mlflow = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "Run 'abc123' not found" }));
    });
    try {
      const uri = mlflow.url.replace("http://", `http://alice:${PASSWORD}@`);
      const code = await cli(["push-model", "runs:/abc123/model", "--name", "m", "--workspace", SOME_WORKSPACE, "--tracking-uri", uri], { MLFLOW_LAB_DEBUG: "1" });
      expect(code).toBe(2);
      expect(stdio.err).toMatch(/^error: run abc123 was not found on http:\/\/127\.0\.0\.1:\d+\n/);
      expectNoSecret(PASSWORD);
      expect(mlflow.requests[0]!.authorization).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`);
    } finally {
      await mlflow.close();
    }
  });

  it("an unreachable server is named without the password (MLFLOW_TRACKING_URI too)", async () => {
    const closed = await serve(() => undefined);
    await closed.close();
    const uri = closed.url.replace("http://", `http://alice:${PASSWORD}@`);
    const code = await cli(["push-model", "runs:/abc123/model", "--name", "m", "--workspace", SOME_WORKSPACE], { MLFLOW_TRACKING_URI: uri, MLFLOW_LAB_DEBUG: "1" });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: MLflow tracking server http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    expectNoSecret(PASSWORD);
  });
});

describe("push-model uploading with datastore secrets from listSecrets", () => {
  let arm: ArmTestServer;
  let blob: Recorder;
  const ARM_TOKEN = "arm-bearer-token-that-must-not-be-printed";
  const SUB = "5b1c0a1e-7d4f-4c2a-9e3b-00000000d001";
  const workspaceId = (ws: string) => `/subscriptions/${SUB}/resourceGroups/rg-secrets/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;

  beforeAll(async () => {
    // A blob endpoint that refuses every request and quotes it back, as a misbehaving proxy might.
    blob = await serve((req, res) => {
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>refused ${req.method} ${req.url} (${req.headers.authorization ?? "no auth"})</Message></Error>`);
    });
    const endpoint = new URL(blob.url).host;
    const datastore = (ws: string, secrets: Record<string, string>) => ({
      type: "Microsoft.MachineLearningServices/workspaces/datastores",
      name: `${ws}/workspaceblobstore`,
      properties: {
        datastoreType: "AzureBlob",
        isDefault: true,
        accountName: "labstorage",
        containerName: "azureml-blobstore",
        endpoint,
        protocol: "http",
        credentials: { credentialsType: secrets.secretsType, secrets },
      },
    });
    arm = await startArmTestServer({
      throttle: false,
      seed: {
        locations: [{ name: "westeurope", displayName: "West Europe" }],
        subscriptions: [
          {
            subscriptionId: SUB,
            displayName: "secrets",
            resourceGroups: [
              {
                name: "rg-secrets",
                location: "westeurope",
                resources: [
                  { type: "Microsoft.MachineLearningServices/workspaces", name: "ws-sas" },
                  datastore("ws-sas", { secretsType: "Sas", sasToken: `?sv=2022-11-02&ss=b&srt=co&sp=rwl&sig=${SAS_SIGNATURE}` }),
                  { type: "Microsoft.MachineLearningServices/workspaces", name: "ws-key" },
                  datastore("ws-key", { secretsType: "AccountKey", key: ACCOUNT_KEY }),
                ],
              },
            ],
          },
        ],
      },
    });
    trustTestCa(arm.caCertPem);
  });
  afterAll(async () => {
    await arm?.stop();
    await blob?.close();
  });

  it.each([
    ["a SAS", "ws-sas", SAS_SIGNATURE],
    ["an account key", "ws-key", ACCOUNT_KEY],
  ])("with %s: a refused upload exits 1 with one line, and the secret is nowhere in the output", async (_kind, ws, secret) => {
    const model = makeModelDir(dir, `model_${ws.replace("-", "_")}`, { files: 2, seed: ws });
    const code = await cli(["push-model", model, "--name", "secret-check", "--workspace", workspaceId(ws)], { ...arm.env(), MLFLOW_LAB_ACCESS_TOKEN: ARM_TOKEN, MLFLOW_LAB_DEBUG: "1" });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: uploading to datastore workspaceblobstore failed \(403\); run push-model again to resume\n/);
    expect(blob.requests.length).toBeGreaterThan(0);
    // The secret was really in play: the command read it through this workspace's listSecrets.
    expect(arm.requests().some((r) => r.method === "POST" && r.path.toLowerCase() === `${workspaceId(ws)}/datastores/workspaceblobstore/listSecrets`.toLowerCase())).toBe(true);
    expectNoSecret(secret, ARM_TOKEN);
  });
});

describe("score", () => {
  let endpoint: Recorder;
  let reply: { status: number; body: (req: { authorization?: string; url?: string }) => string };
  const data = () => {
    const file = path.join(dir, "rows.csv");
    fs.writeFileSync(file, "x,y\n1,2\n3,4\n");
    return file;
  };

  beforeAll(async () => {
    endpoint = await serve((req, res) => {
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(reply.body({ authorization: req.headers.authorization, url: req.url }));
    });
  });
  afterAll(async () => {
    await endpoint?.close();
  });

  it("a reply that is not JSON and echoes the request: exit 1, the key is masked", async () => {
    reply = { status: 200, body: (req) => `<html>debug echo: Authorization: ${req.authorization}</html>` };
    const code = await cli(["score", "--url", endpoint.url, "--data", data(), "--key-env", "SCORE_TEST_KEY"], { SCORE_TEST_KEY: KEY });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: the endpoint answered with something that is not JSON/);
    expectNoSecret(KEY);
  });

  it("a failing reply that echoes the request: exit 1, the key is masked", async () => {
    reply = { status: 500, body: (req) => JSON.stringify({ message: `scorer crashed handling ${req.authorization}` }) };
    const code = await cli(["score", "--url", endpoint.url, "--data", data(), "--key-env", "SCORE_TEST_KEY"], { SCORE_TEST_KEY: KEY });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/failed with HTTP 500/);
    expectNoSecret(KEY);
  });

  it("--json leaves a key in the URL's query string out of the printed URL", async () => {
    reply = { status: 200, body: () => JSON.stringify({ predictions: [0, 1] }) };
    const code = await cli(["score", "--url", `${endpoint.url}/invocations?code=${KEY}`, "--data", data(), "--json"]);
    expect(code, stdio.err).toBe(0);
    const result = JSON.parse(stdio.out);
    expect(result.url).toBe(`${endpoint.url}/invocations`);
    expect(result.predictions).toEqual([0, 1]);
    expect(endpoint.requests.at(-1)!.url).toBe(`/invocations?code=${KEY}`);
    expectNoSecret(KEY);
  });

  it("--url with user:password is refused before anything is sent, without echoing the password", async () => {
    const before = endpoint.requests.length;
    const code = await cli(["score", "--url", endpoint.url.replace("http://", `http://scorer:${PASSWORD}@`), "--data", data()]);
    expect(code).toBe(2);
    expect(stdio.err).toMatch(/^error: --url must not carry a user name or password \(127\.0\.0\.1:\d+\); .*--key-env <VAR>\n$/);
    expect(endpoint.requests.length).toBe(before);
    expectNoSecret(PASSWORD);
  });

  it("a mistyped --url is echoed without its query string", async () => {
    const code = await cli(["score", "--url", `http//scorer.example.com/score?sig=${SAS_SIGNATURE}`, "--data", data()]);
    expect(code).toBe(2);
    expect(stdio.err).toMatch(/^error: --url http\/\/scorer\.example\.com\/score is not a URL/);
    expectNoSecret(SAS_SIGNATURE);
  });
});

describe("score with a key whose variable name does not look secret (--key-env SCORE_WITH)", () => {
  // No TOKEN/KEY/SECRET in the name: the environment scan alone would not mask it; the CLI registers the value.
  const WITH = { SCORE_WITH: KEY };
  let endpoint: Recorder;
  let reply: (req: { authorization?: string }) => { status: number; body: string };
  const data = () => {
    const file = path.join(dir, "rows.csv");
    fs.writeFileSync(file, "x,y\n1,2\n");
    return file;
  };

  beforeAll(async () => {
    endpoint = await serve((req, res) => {
      const { status, body } = reply({ authorization: req.headers.authorization });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body);
    });
  });
  afterAll(async () => {
    await endpoint?.close();
  });
  beforeEach(() => clearRegisteredSecrets());
  afterEach(() => clearRegisteredSecrets());

  it("an error body that echoes the bare key (not as a Bearer header) never shows it; the key is registered for masking", async () => {
    reply = (req) => ({ status: 400, body: JSON.stringify({ message: `bad input for caller ${req.authorization?.replace(/^Bearer /, "")}` }) });
    const code = await cli(["score", "--url", endpoint.url, "--data", data(), "--key-env", "SCORE_WITH"], { MLFLOW_LAB_DEBUG: "1", ...WITH });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+\/invocations rejected the request with HTTP 400: bad input for caller \*\*\*/);
    expect(endpoint.requests.at(-1)!.authorization).toBe(`Bearer ${KEY}`);
    expectNoSecret(KEY);
    expect(redactSecrets(`echo ${KEY}`, {})).toBe("echo ***");
  });

  it("a reply that is not JSON and quotes the key: exit 1, masked", async () => {
    reply = () => ({ status: 200, body: `<pre>key=${KEY.slice(0, 4)}${KEY.slice(4)} ok</pre>` });
    const code = await cli(["score", "--url", endpoint.url, "--data", data(), "--key-env", "SCORE_WITH"], WITH);
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: the endpoint answered with something that is not JSON/);
    expectNoSecret(KEY);
  });

  it("an error the CLI raises that mentions the key (a key fetch refuses as a header value) is masked, debug stack included", async () => {
    const badKey = `${KEY}\u0001`;
    const code = await cli(["score", "--url", endpoint.url, "--data", data(), "--key-env", "SCORE_WITH"], { MLFLOW_LAB_DEBUG: "1", SCORE_WITH: badKey });
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+ is unreachable \(/);
    expectNoSecret(KEY);
  });

  it("a key read from the stack output endpointKeys is masked too", async () => {
    reply = (req) => ({ status: 503, body: JSON.stringify({ message: `overloaded (${req.authorization?.replace(/^Bearer /, "")})` }) });
    const outputs = path.join(dir, "outputs.json");
    fs.writeFileSync(outputs, JSON.stringify({ endpoints: { web: { kind: "managed", scoringUri: `${endpoint.url}/score` } }, endpointKeys: { web: KEY } }));
    const code = await cli(["score", "web", "--outputs", outputs, "--data", data()]);
    expect(code).toBe(1);
    expect(stdio.err).toMatch(/failed with HTTP 503: overloaded \(\*\*\*\)/);
    expectNoSecret(KEY);
    expect(redactSecrets(KEY, {})).toBe("***");
  });
});
