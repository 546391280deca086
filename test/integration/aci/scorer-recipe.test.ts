import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli as cli } from "../../support/cli-output";
import { caddyVersion, sharedScorerRoot, startCaddy, startScorer, writeScorerFiles, type CaddyRun, type ScorerRun } from "../../support/aci-scorer";
import { startMlflowServer, tempDir, type MlflowServer, type ScorerModel } from "../../support/mlflow";
import { labNotebook } from "../../support/notebook/lab-notebook";
import { copyLabPenguins, LAB_GENTOO_ROW, LAB_SAMPLE } from "../../support/penguins";
import { logScorerModel, type ScorerModelKind } from "../../support/scorer-models";
import { trustTestCa } from "../../support/tls";

/**
 * The ACI scorer recipe executed for real: the repository's start-scorer.sh and Caddyfile (the files the
 * container group receives) with Debian's Caddy and real MLflow, for the kinds of model the lab and the
 * course produce, each registered on a local MLflow tracking server by the MLflow that would log it: the
 * model the lab notebook itself registers (run through the notebook harness on Databricks Runtime 16.4 LTS
 * ML's and 17.3 LTS ML's Spark and MLflow), an MLflow 2 sklearn model, an MLflow 3 sklearn (skops) model
 * and a pyfunc with code. Scoring goes through Caddy over HTTPS (`tls internal`) with the key; without it
 * Caddy answers 401 and the scorer's own access log shows nothing arrived; port 80 only redirects.
 */

const KINDS: Array<{ kind: ScorerModelKind; line: string; loggedBy: RegExp }> = [
  { kind: "spark", line: "mlflow-2", loggedBy: /^2\.21\./ },
  { kind: "spark4", line: "mlflow-3", loggedBy: /^3\.0\./ },
  { kind: "sklearn2", line: "mlflow-2", loggedBy: /^2\.21\./ },
  { kind: "sklearn3", line: "mlflow-3", loggedBy: /^3\./ },
  { kind: "pyfunc", line: "mlflow-3", loggedBy: /^3\./ },
];
const KEY = "k3yFromTheTestsOnly0123456789abcdefABCDEF";

let work: string;
let files: string;
let penguins: string;
let tracking: MlflowServer;
const models = new Map<ScorerModelKind, ScorerModel>();
const scorers = new Map<ScorerModelKind, ScorerRun>();
const proxies = new Map<ScorerModelKind, CaddyRun>();


/** Requests the MLflow scoring server itself logged (uvicorn's access log, for both lines). */
function scorerHits(scorer: ScorerRun): number {
  return scorer.log().split("\n").filter((line) => line.includes('"POST /invocations')).length;
}

function csv(model: ScorerModel, rows: unknown[][] = model.rows): string {
  const file = path.join(work, `${model.name}-${rows.length}.csv`);
  fs.writeFileSync(file, [model.columns.join(","), ...rows.map((r) => r.map((v) => (v === null ? "" : String(v))).join(","))].join("\n") + "\n");
  return file;
}

beforeAll(async () => {
  await caddyVersion();
  work = tempDir("aci-recipe");
  files = writeScorerFiles(path.join(work, "scorer-files"));
  penguins = copyLabPenguins(work);
  const t0 = Date.now(); const mark = (what: string) => process.stderr.write(`[recipe] ${what} ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
  tracking = await startMlflowServer();
  mark("tracking");
  // Two at a time: the machine has two cores (a Spark notebook next to a light fixture).
  for (const pair of [["spark", "sklearn3"], ["spark4", "sklearn2"], ["pyfunc"]] as ScorerModelKind[][]) {
    const logged = await Promise.all(pair.map((kind) => logScorerModel(kind, tracking.url, penguins)));
    pair.forEach((kind, i) => models.set(kind, logged[i]!));
    mark(`logged ${pair.join(",")}`);
  }
  // The scorers start side by side; each builds (or reuses) its environments under the shared root.
  const started = await Promise.all(
    KINDS.map(({ kind }) =>
      startScorer({
        files,
        root: sharedScorerRoot(),
        modelUri: models.get(kind)!.model_uri,
        trackingUri: tracking.url,
        logFile: path.join(work, `scorer-${kind}.log`),
        env: { SCORER_MODEL_DIR: path.join(work, `model-${kind}`) },
      }),
    ),
  );
  KINDS.forEach(({ kind }, i) => scorers.set(kind, started[i]!));
  mark("scorers");
  for (const { kind } of KINDS) {
    const dataDir = path.join(work, `caddy-${kind}`);
    fs.mkdirSync(dataDir, { recursive: true });
    const proxy = await startCaddy({ files, key: KEY, scorerPort: scorers.get(kind)!.port, dataDir, logFile: path.join(dataDir, "caddy.log") });
    trustTestCa(proxy.rootCa);
    proxies.set(kind, proxy);
  }
}, 1_500_000);

afterAll(async () => {
  await Promise.all([...proxies.values()].map((p) => p.stop()));
  await Promise.all([...scorers.values()].map((s) => s.stop()));
  await tracking?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe.each(KINDS)("the $kind model", ({ kind, line, loggedBy }) => {
  it(`is served with the ${line} line its MLmodel names, every package at the constraints' pins`, () => {
    const model = models.get(kind)!;
    expect(model.mlflow_version).toMatch(loggedBy);
    const log = scorers.get(kind)!.log();
    const pinned = new RegExp(`^mlflow==(\\S+)`, "m").exec(fs.readFileSync(path.join(files, `constraints-${line}.txt`), "utf8"))![1];
    expect(log).toContain(`scorer plan: model saved by MLflow ${model.mlflow_version}: serving with mlflow==${pinned} (${line} line)`);
    expect(log).not.toContain("NOT INSTALLED");
    for (const phase of ["tools", "fetch-env", "download", "serve-env"]) expect(log).toMatch(new RegExp(`scorer: phase ${phase} \\d+ s`));
  });

  it("answers through Caddy over HTTPS with the key: the model's own predictions", async () => {
    const model = models.get(kind)!;
    const result = await cli(["score", "--url", `${proxies.get(kind)!.httpsUrl}/invocations`, "--kind", "aci", "--key-env", "ACI_TEST_KEY", "--data", csv(model), "--json"], { ACI_TEST_KEY: KEY });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).predictions).toEqual(model.expected);
  });

  it("refuses a request without the key, or with a wrong one, with 401 before anything reaches the scorer", async () => {
    const proxy = proxies.get(kind)!;
    const scorer = scorers.get(kind)!;
    const before = scorerHits(scorer);
    expect(before).toBeGreaterThan(0);
    const body = JSON.stringify({ dataframe_split: { columns: models.get(kind)!.columns, data: models.get(kind)!.rows } });
    for (const headers of [{}, { authorization: "Bearer not-the-key" }, { authorization: KEY }] as Array<Record<string, string>>) {
      const response = await fetch(`${proxy.httpsUrl}/invocations`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.text()).toBe("missing or wrong endpoint key");
    }
    const refused = await cli(["score", "--url", `${proxy.httpsUrl}/invocations`, "--kind", "aci", "--data", csv(models.get(kind)!)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/HTTP 401/);
    await new Promise((r) => setTimeout(r, 500));
    expect(scorerHits(scorer)).toBe(before);
  });

  it("never proxies plain HTTP: port 80 redirects to HTTPS, even with the key", async () => {
    const proxy = proxies.get(kind)!;
    const scorer = scorers.get(kind)!;
    const before = scorerHits(scorer);
    const response = await fetch(`${proxy.httpUrl}/invocations`, { method: "POST", headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" }, body: "{}", redirect: "manual" });
    expect([301, 308]).toContain(response.status);
    // To HTTPS on the same host and path (Caddy 2.6 leaves a non-default HTTPS port out of the URL; the
    // group's is 443).
    const location = new URL(response.headers.get("location") ?? "");
    expect([location.protocol, location.hostname, location.pathname]).toEqual(["https:", "localhost", "/invocations"]);
    await new Promise((r) => setTimeout(r, 500));
    expect(scorerHits(scorer)).toBe(before);
  });
});

describe("model specifics", () => {
  it.each([
    ["spark", "unity"],
    ["spark4", "legacy"],
  ] as const)("the %s model is the lab notebook's, registered under the name the stack gives it (%s catalog mode)", (kind, mode) => {
    expect(models.get(kind)!.name).toBe(labNotebook(mode).layout.modelName);
    expect(models.get(kind)!.columns).toEqual(["Island", "CulmenLength", "CulmenDepth", "FlipperLength", "BodyMass"]);
  });

  it.each(["spark", "spark4"] as const)("%s: the lab's row (Biscoe, 48.7, 14.1, 210, 4450) is a Gentoo (1) through the proxy with the key", async (kind) => {
    const model = models.get(kind)!;
    expect(LAB_GENTOO_ROW).toEqual(["Biscoe", 48.7, 14.1, 210, 4450]);
    // What the notebook's model answers in the notebook's own process, and what the scorer answers.
    expect(model.expected[LAB_SAMPLE.species.indexOf(1)]).toBe(1);
    const result = await cli(["score", "--url", `${proxies.get(kind)!.httpsUrl}/invocations`, "--kind", "aci", "--key-env", "ACI_TEST_KEY", "--data", csv(model, [LAB_GENTOO_ROW]), "--json"], { ACI_TEST_KEY: KEY });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).predictions).toEqual([1]);
  });

  it("the Spark pipelines run on a JVM (the flavor asks for Java); the MLflow 3 sklearn model is a skops file", () => {
    for (const [kind, line] of [["spark", "mlflow-2"], ["spark4", "mlflow-3"]] as const) {
      expect(fs.readFileSync(path.join(work, `model-${kind}`, "MLmodel"), "utf8")).toMatch(/^ {2}spark:/m);
      expect(scorers.get(kind)!.log()).toMatch(new RegExp(`scorer: plan: ${line} line; Java needed; packages: .*\\bpyspark\\b`));
    }
    for (const kind of ["sklearn2", "sklearn3", "pyfunc"] as const) expect(scorers.get(kind)!.log()).toMatch(/scorer: plan: mlflow-\d line; Java not needed; /);
    // This machine has Java, so the scorer skips apt-get; the package it would install exists in Debian 12,
    // the release of the scorer's image (python:3.12-slim-bookworm).
    expect(execFileSync("apt-cache", ["show", "--no-all-versions", "openjdk-17-jre-headless"], { encoding: "utf8" })).toMatch(/^Package: openjdk-17-jre-headless$/m);
    const skops = fs.readFileSync(path.join(work, "model-sklearn3", "MLmodel"), "utf8");
    expect(skops).toMatch(/serialization_format: skops/);
    // MLflow 2.22 cannot load it: the line must follow the MLmodel.
    expect(scorers.get("sklearn3")!.log()).toContain("(mlflow-3 line)");
  });

  it("the pyfunc's code comes with the model (code_paths) and the lab's blank rows score through --model", async () => {
    expect(fs.existsSync(path.join(work, "model-pyfunc", "code", "penguin_rules.py"))).toBe(true);
    const lab = fs.readFileSync(penguins, "utf8").split("\n").slice(0, 5).map((row) => row.split(",").slice(0, 5).join(",")).join("\n");
    const data = path.join(work, "blank-rows.csv");
    fs.writeFileSync(data, `${lab}\n`);
    const result = await cli(
      ["score", "--url", `${proxies.get("pyfunc")!.httpsUrl}/invocations`, "--kind", "aci", "--key-env", "ACI_TEST_KEY", "--data", data, "--model", path.join(work, "model-pyfunc"), "--json"],
      { ACI_TEST_KEY: KEY },
    );
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout).predictions).toEqual([0, 0, 0, -1]);
  });
});
