import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli as cli } from "../../support/cli-output";
import { resolveModelSource } from "../../../src/models/sources";
import { startModelServer, tempDir, trainModels, type TrainedModels } from "../../support/mlflow";
import type { RunningService } from "../../support/mlflow/process";
import { copyLabPenguins } from "../../support/penguins";

/**
 * `mlflow-lab score` against a REAL `mlflow models serve --env-manager local` (the course's local
 * serving) for the real penguin classifier and the pyfunc churn model, and against a small local HTTP
 * server for what a real endpoint rarely does on demand (401, 503, recording what was sent).
 */

const REPO = path.resolve(__dirname, "..", "..", "..");
let work: string;
let trained: TrainedModels;
let penguinDir: string;
let churnDir: string;
let penguinServer: RunningService;
let churnServer: RunningService;

// Real Palmer penguins: a Gentoo (the lab's own test row), an Adelie and a Chinstrap.
const PENGUINS_CSV = "Island,CulmenLength,CulmenDepth,FlipperLength,BodyMass\nBiscoe,48.7,14.1,210,4450\nTorgersen,39.1,18.7,181,3750\nDream,46.5,17.9,192,3500\n";
const EXPECTED_SPECIES = [1, 0, 2];


function file(name: string, content: string): string {
  const target = path.join(work, name);
  fs.writeFileSync(target, content);
  return target;
}

interface Recorder {
  url: string;
  requests: Array<{ headers: http.IncomingHttpHeaders; body: string; path: string }>;
  close(): Promise<void>;
}

function recorder(answer: (res: http.ServerResponse) => void): Promise<Recorder> {
  const requests: Recorder["requests"] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      requests.push({ headers: req.headers, body, path: req.url ?? "" });
      answer(res);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(() => r())) }),
    ),
  );
}

beforeAll(async () => {
  work = tempDir("score");
  const mlruns = path.join(work, "mlruns");
  trained = await trainModels(`file://${mlruns}`);
  penguinDir = (await resolveModelSource(`runs:/${trained.penguin.v3_name.run_id}/penguin-classifier`, { trackingUri: mlruns, env: {} })).dir;
  churnDir = (await resolveModelSource(`models:/${trained.churn.model_id}`, { trackingUri: mlruns, env: {} })).dir;
  [penguinServer, churnServer] = await Promise.all([startModelServer(penguinDir), startModelServer(churnDir)]);
});

afterAll(async () => {
  await Promise.all([penguinServer?.stop(), churnServer?.stop()]);
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("score against mlflow models serve", () => {
  it.each(["split", "records", "instances"])("round-trips CSV rows with headers in the %s format", async (format) => {
    const data = file(`penguins-${format}.csv`, PENGUINS_CSV);
    const result = await cli(["score", "--url", penguinServer.url, "--data", data, "--format", format, "--model", penguinDir, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.predictions).toEqual(EXPECTED_SPECIES);
    expect(out.url).toBe(`${penguinServer.url}/invocations`);
    expect(out.rows[0]).toEqual({ input: { Island: "Biscoe", CulmenLength: 48.7, CulmenDepth: 14.1, FlipperLength: 210, BodyMass: 4450 }, prediction: { prediction: 1 } });
    expect(out.latencyMs).toBeGreaterThan(0);
  });

  it("prints predictions as a table next to the inputs, with the latency", async () => {
    const result = await cli(["score", "--url", penguinServer.url, "--data", file("p.csv", PENGUINS_CSV)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.find((l) => l.includes("Island"))).toMatch(/Island.*CulmenLength.*CulmenDepth.*FlipperLength.*BodyMass.*prediction/);
    expect(lines.find((l) => l.includes("Biscoe"))).toMatch(/Biscoe.*48\.7.*14\.1.*210.*4450.*│ 1 /);
    expect(result.stdout).toMatch(new RegExp(`3 prediction\\(s\\) from 127\\.0\\.0\\.1:${penguinServer.port} \\(mlflow\\) in \\d+ ms`));
  });

  it("scores JSON records and an already wrapped dataframe_split request", async () => {
    const records = [{ Tenure: 1, MonthlyCharges: 99.5, Contract: "Month-to-month" }, { Tenure: 60, MonthlyCharges: 20, Contract: "Two year" }];
    const a = await cli(["score", "--url", churnServer.url, "--data", file("churn.json", JSON.stringify(records)), "--json"]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).predictions).toEqual([1, 0]);
    const wrapped = { dataframe_split: { columns: ["Tenure", "MonthlyCharges", "Contract"], data: [[1, 99.5, "Month-to-month"]] } };
    const b = await cli(["score", "--url", churnServer.url, "--data", file("wrapped.json", JSON.stringify(wrapped)), "--format", "records", "--json"]);
    expect(JSON.parse(b.stdout).predictions).toEqual([1]);
  });

  it("--json keeps an input column apart from a prediction of the same name", async () => {
    // A label column left in the data, named like the model's output: both values survive.
    const records = [{ Tenure: 1, MonthlyCharges: 99.5, Contract: "Month-to-month", prediction: 9 }, { Tenure: 60, MonthlyCharges: 20, Contract: "Two year", prediction: 9 }];
    const result = await cli(["score", "--url", churnServer.url, "--data", file("labelled.json", JSON.stringify(records)), "--json"]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.predictions).toEqual([1, 0]);
    expect(out.rows).toEqual([
      { input: records[0], prediction: { prediction: 1 } },
      { input: records[1], prediction: { prediction: 0 } },
    ]);
  });

  it("reads rows from stdin through the real mlflow-lab command", () => {
    const run = spawnSync(path.join(REPO, "scripts", "mlflow-lab"), ["score", "--url", penguinServer.url, "--data", "-", "--json"], {
      input: PENGUINS_CSV,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).predictions).toEqual(EXPECTED_SPECIES);
  });

  it("passes on the server's own message when it rejects the input", async () => {
    // Without --model nothing is checked locally; the server enforces the signature.
    const result = await cli(["score", "--url", penguinServer.url, "--data", file("bad.csv", "Island,CulmenLength\nBiscoe,48.7\n")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: http:\/\/127\.0\.0\.1:\d+\/invocations rejected the request with HTTP 400: .+/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("score checks before sending and handles endpoint failures", () => {
  it("stops with the missing and unexpected columns before sending anything", async () => {
    const endpoint = await recorder((res) => res.end('{"predictions": []}'));
    try {
      const data = file("mismatch.csv", "Island,Culmen_Length,CulmenDepth,FlipperLength,BodyMass\nBiscoe,48.7,14.1,210,4450\n");
      const result = await cli(["score", "--url", endpoint.url, "--data", data, "--model", penguinDir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        "error: columns do not match the model signature: missing CulmenLength; unexpected Culmen_Length (expected Island, CulmenLength, CulmenDepth, FlipperLength, BodyMass); nothing was sent\n",
      );
      expect(endpoint.requests).toHaveLength(0);
    } finally {
      await endpoint.close();
    }
  });

  it("--model lets the lab's blank penguins.csv rows through as nulls, which the signature's double columns accept", async () => {
    // The lab's own file (a local copy; never committed), without its label column: row 4 has no
    // measurements at all.
    const lab = fs.readFileSync(copyLabPenguins(work), "utf8").split("\n").slice(0, 5).map((line) => line.split(",").slice(0, 5).join(",")).join("\n");
    expect(lab.split("\n")[4]).toBe("Torgersen,,,,");
    const endpoint = await recorder((res) => res.end('{"predictions": [0, 0, 0, 0]}'));
    try {
      const result = await cli(["score", "--url", endpoint.url, "--data", file("lab-penguins.csv", `${lab}\n`), "--model", penguinDir, "--json"]);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(JSON.parse(endpoint.requests[0]!.body).dataframe_split.data[3]).toEqual(["Torgersen", null, null, null, null]);
    } finally {
      await endpoint.close();
    }
  });

  it("sends input_data with the Bearer key to an Azure ML online endpoint and reads a bare array", async () => {
    const endpoint = await recorder((res) => res.end("[1, 0, 2]"));
    try {
      process.env.TEST_SCORE_KEY = "aml-key-123";
      const result = await cli(["score", "--url", `${endpoint.url}/score`, "--kind", "managed", "--key-env", "TEST_SCORE_KEY", "--data", file("aml.csv", PENGUINS_CSV), "--json"]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).predictions).toEqual(EXPECTED_SPECIES);
      expect(endpoint.requests[0]!.headers.authorization).toBe("Bearer aml-key-123");
      expect(JSON.parse(endpoint.requests[0]!.body)).toEqual({
        input_data: { columns: ["Island", "CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"], index: [0, 1, 2], data: [["Biscoe", 48.7, 14.1, 210, 4450], ["Torgersen", 39.1, 18.7, 181, 3750], ["Dream", 46.5, 17.9, 192, 3500]] },
      });
    } finally {
      delete process.env.TEST_SCORE_KEY;
      await endpoint.close();
    }
  });

  it("reports a refused key (401) without printing the key", async () => {
    const endpoint = await recorder((res) => {
      res.statusCode = 401;
      res.end('{"message": "invalid key aml-key-123"}');
    });
    try {
      process.env.TEST_SCORE_KEY = "aml-key-123";
      const result = await cli(["score", "--url", `${endpoint.url}/score`, "--kind", "managed", "--key-env", "TEST_SCORE_KEY", "--data", file("k.csv", PENGUINS_CSV)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: ${endpoint.url}/score answered HTTP 401 (unauthorized): the key from --key-env TEST_SCORE_KEY was refused\n`);
      expect(result.stderr + result.stdout).not.toContain("aml-key-123");
    } finally {
      delete process.env.TEST_SCORE_KEY;
      await endpoint.close();
    }
  });

  it("reports an unavailable endpoint (503) with its message", async () => {
    const endpoint = await recorder((res) => {
      res.statusCode = 503;
      res.setHeader("retry-after", "30");
      res.end("upstream connect error");
    });
    try {
      const result = await cli(["score", "--url", endpoint.url, "--data", file("u.csv", PENGUINS_CSV)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`error: ${endpoint.url}/invocations failed with HTTP 503: upstream connect error (the endpoint or its model is unhealthy; retry, or check its logs)\n`);
    } finally {
      await endpoint.close();
    }
  });

  it("finds the endpoint and its secret key in a deployed stack's outputs (--stack)", async () => {
    const endpoint = await recorder((res) => res.end('{"predictions": [1, 0, 2]}'));
    const outputs = file(
      "stack-outputs.json",
      JSON.stringify({
        course: {
          endpoints: { value: { "churn-aci": { kind: "aci", scoringUri: `${endpoint.url}/invocations` } }, secret: false },
          endpointKeys: { value: { "churn-aci": "stack-secret-key" }, secret: true },
        },
      }),
    );
    // The real mlflow-lab command in a child process: the engine module is TypeScript loaded by tsx.
    const env = { ...process.env, MLFLOW_LAB_DEPLOYER_MODULE: path.join(__dirname, "outputs-deployer.ts"), MLFLOW_LAB_TEST_OUTPUTS: outputs };
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(path.join(REPO, "scripts", "mlflow-lab"), args, { env, encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) =>
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    try {
      const result = await run(["score", "churn-aci", "--stack", "course", "--data", file("s.csv", PENGUINS_CSV)]);
      expect(result.stderr).not.toMatch(/^error/m);
      expect(result.code).toBe(0);
      expect(endpoint.requests[0]!.headers.authorization).toBe("Bearer stack-secret-key");
      expect(result.stdout + result.stderr).not.toContain("stack-secret-key");
      const other = await run(["score", "churn-aci", "--stack", "lab", "--data", file("s2.csv", PENGUINS_CSV)]);
      expect(other.code).toBe(2);
      expect(other.stderr).toBe('error: no endpoint "churn-aci" in the stack outputs (the stack has no endpoints)\n');
    } finally {
      await endpoint.close();
    }
  });

  it("finds the endpoint, its kind and key in the stack outputs file", async () => {
    const endpoint = await recorder((res) => res.end('{"predictions": [1, 0, 2]}'));
    try {
      const outputs = file("outputs.json", JSON.stringify({ endpoints: { "penguin-aci": { kind: "aci", scoringUri: `${endpoint.url}/invocations` } }, endpointKeys: { "penguin-aci": "proxy-key" } }));
      const result = await cli(["score", "penguin-aci", "--outputs", outputs, "--data", file("o.csv", PENGUINS_CSV), "--format", "records"]);
      expect(result.code).toBe(0);
      expect(endpoint.requests[0]!.headers.authorization).toBe("Bearer proxy-key");
      expect(JSON.parse(endpoint.requests[0]!.body).dataframe_records).toHaveLength(3);
      const missing = await cli(["score", "nope", "--outputs", outputs, "--data", file("o2.csv", PENGUINS_CSV)]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe('error: no endpoint "nope" in the stack outputs (endpoints: penguin-aci)\n');
    } finally {
      await endpoint.close();
    }
  });
});
