import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestCertificates } from "../../support/arm-test-server/core/tls";
import { childProcessCaEnv } from "../../support/tls";

/**
 * The package as a user gets it: `npm pack` (which runs `npm run build`) in the repository, the tarball
 * installed into a fresh project, and then, with plain node and no tsx anywhere:
 * - a TypeScript Pulumi program creating two MlflowLab instances, type-checked against the package's
 *   declarations (through its `exports`), compiled and run under Pulumi's mock runtime;
 * - the `mlflow-lab` command from node_modules/.bin (plan, --help, -V, a bad stack);
 * - the Pulumi program `mlflow-lab deploy` would hand the Pulumi CLI, run as its nodejs host runs it.
 * The install is offline: the fresh project's lockfile pins the repository's locked versions, whose
 * tarballs `npm ci` left in npm's cache. The installed package's src/ (shipped for source maps) is
 * deleted first, so everything runs from dist/.
 */
const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..", "..");
const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");

let work = "";
let project = "";
let installed = "";
let tarballFiles: string[] = [];
let env: NodeJS.ProcessEnv = {};

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

/** package.json and package-lock.json of a project depending on the tarball (and @pulumi/pulumi), at the repository's locked versions. */
function writeConsumerProject(dir: string, tarball: string): void {
  const repoPackage = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  const repoLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const spec = `file:${path.relative(dir, tarball)}`;
  const dependencies = { "@pulumi/pulumi": repoPackage.dependencies["@pulumi/pulumi"], "azure-mlflow-lab": spec };
  const root = repoLock.packages[""]!;
  const packages: Record<string, unknown> = {
    "": { name: "consumer", version: "1.0.0", dependencies },
    "node_modules/azure-mlflow-lab": {
      version: repoPackage.version,
      resolved: spec,
      integrity: `sha512-${createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`,
      license: root.license,
      dependencies: root.dependencies,
      bin: root.bin,
      engines: root.engines,
    },
  };
  // What a consumer installs: the package's dependencies, none of its dev dependencies.
  for (const [key, entry] of Object.entries(repoLock.packages)) {
    if (key !== "" && !entry.dev) packages[key] = entry;
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies }, null, 2));
  fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: "consumer", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2));
}

/** The installed CLI, run by plain node from the consumer project. */
function cli(args: string[]) {
  return run(process.execPath, [path.join(project, "node_modules", ".bin", "mlflow-lab"), ...args], { cwd: project, env, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? "", stderr: error.stderr ?? "" }),
  );
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-lab-package-"));
  project = path.join(work, "consumer");
  fs.mkdirSync(project);
  const packed = await run("npm", ["pack", "--pack-destination", work, "--json"], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarballFiles = info!.files.map((f) => f.path);
  writeConsumerProject(project, path.join(work, info!.filename));
  await run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
  installed = path.join(project, "node_modules", "azure-mlflow-lab");
  fs.rmSync(path.join(installed, "src"), { recursive: true });
  // No Azure sign-in, no state of the user's: plan uses the bundled example signals.
  const home = path.join(work, "home");
  fs.mkdirSync(home);
  env = { PATH: process.env.PATH, HOME: home, MLFLOW_LAB_STATE_DIR: path.join(work, "state") };
}, 600_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("holds the compiled code, its declarations and every file it reads at run time, and no tests", () => {
    for (const file of [
      "package.json",
      "bin/mlflow-lab",
      "dist/lib.js",
      "dist/lib.d.ts",
      "dist/cli/main.js",
      "dist/index.js",
      "dist/Pulumi.yaml",
      "dist/lab/databricks/notebooks/mlflow_lab.py",
      "dist/lab/endpoints/aci/start-scorer.sh",
      "dist/lab/endpoints/aci/Caddyfile",
      "dist/lab/endpoints/aci/python/mlflow-3/constraints.txt",
      "dist/regions/example-snapshot.json",
      "dist/plan/price-table.json",
      "stacks/Pulumi.lab.yaml",
      "Pulumi.yaml",
    ]) {
      expect(tarballFiles, file).toContain(file);
    }
    expect(tarballFiles.filter((f) => /^(test|bench|node_modules)\/|^tsconfig/.test(f))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(manifest.bin).toEqual({ "mlflow-lab": "bin/mlflow-lab" });
  });

  it("installs without tsx: nothing in the project can load it", () => {
    expect(fs.existsSync(path.join(project, "node_modules", "tsx"))).toBe(false);
    for (const from of [project, installed]) {
      expect(() => createRequire(path.join(from, "package.json")).resolve("tsx"), from).toThrow(/Cannot find module 'tsx'/);
    }
  });
});

describe("a Pulumi program with two MlflowLab instances, from the installed package", () => {
  let result: {
    registered: Array<{ type: string; name: string; inputs: Record<string, any> }>;
    outputs: Array<{ region: string; labId: string; compute: string; dataPath: string }>;
    labIds: string[];
    rejected: string;
    leaseCreated: Record<string, unknown>;
  };

  beforeAll(async () => {
    fs.copyFileSync(path.join(__dirname, "consumer", "two-labs.cts"), path.join(project, "two-labs.cts"));
    fs.writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "node16",
          moduleResolution: "node16",
          target: "ES2023",
          strict: true,
          skipLibCheck: true,
          outDir: "out",
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
          types: ["node"],
        },
        files: ["two-labs.cts"],
      }),
    );
    // Type errors fail here: the program is checked against the package's published declarations.
    await run(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: project });
    const { stdout } = await run(process.execPath, [path.join(project, "out", "two-labs.cjs")], { cwd: project, env, maxBuffer: 64 * 1024 * 1024 });
    result = JSON.parse(stdout);
  }, 300_000);

  const ofLab = (prefix: string) => result.registered.filter((r) => r.name.startsWith(prefix));
  const typesOf = (prefix: string) => new Set(ofLab(prefix).map((r) => r.type));

  it("registers every resource once under a distinct name, each lab's children prefixed with its name", () => {
    const names = result.registered.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const others = result.registered.filter((r) => !/^team-[ab]-/.test(r.name)).map((r) => `${r.type}::${r.name}`);
    expect(others.sort()).toEqual(["azure-mlflow-lab:index:Lab::team-a", "azure-mlflow-lab:index:Lab::team-b", "school:index:Classroom::room"]);
  });

  it("builds both labs completely, each in its own resource group with its own suffix", () => {
    for (const prefix of ["team-a-", "team-b-"]) {
      for (const type of [
        "pulumi-nodejs:dynamic/lab:LabLease",
        "azure-native:resources:ResourceGroup",
        "azure-native:databricks:Workspace",
        "pulumi:providers:databricks",
        "pulumi-nodejs:dynamic/lab:UnityCatalogCheck",
        "databricks:index/schema:Schema",
        "databricks:index/volume:Volume",
        "databricks:index/file:File",
        "databricks:index/notebook:Notebook",
      ]) {
        expect(typesOf(prefix), `${prefix} ${type}`).toContain(type);
      }
    }
    expect(typesOf("team-a-")).toContain("databricks:index/cluster:Cluster");
    expect(typesOf("team-b-")).not.toContain("databricks:index/cluster:Cluster");
    for (const type of ["azure-native:machinelearningservices:Workspace", "azure-native:containerinstance:ContainerGroup", "azure-native:authorization:RoleAssignment"]) {
      expect(typesOf("team-b-"), type).toContain(type);
    }
    const groups = result.registered.filter((r) => r.type === "azure-native:resources:ResourceGroup").map((r) => r.inputs.resourceGroupName);
    expect(groups).toHaveLength(2);
    expect(groups.map((g) => g.replace(/^msl-/, ""))).toEqual(result.labIds.map((id) => id.replace(/^msl-/, "")));
    expect(groups[0]).not.toBe(groups[1]);
    expect(result.outputs).toEqual([
      { region: "westeurope", labId: result.labIds[0], compute: "classic", dataPath: `/Volumes/databricks-${result.labIds[0]!.slice(4)}/mlflow_lab/data/penguins.csv` },
      { region: "eastus", labId: result.labIds[1], compute: "serverless", dataPath: `/Volumes/databricks-${result.labIds[1]!.slice(4)}/mlflow_lab/data/penguins.csv` },
    ]);
  });

  it("deploys the files the package ships: the notebook, and the ACI scorer's scripts and constraints", () => {
    const notebook = ofLab("team-a-").find((r) => r.type === "databricks:index/notebook:Notebook")!;
    const source = Buffer.from(notebook.inputs.contentBase64, "base64").toString("utf8");
    expect(source.startsWith("# Databricks notebook source")).toBe(true);
    expect(source).toContain(`"model_name":"databricks-${result.labIds[0]!.slice(4)}.mlflow_lab.penguin_predictor"`);
    const group = ofLab("team-b-").find((r) => r.type === "azure-native:containerinstance:ContainerGroup")!;
    // One secret (the storage key) makes the whole `volumes` input a secret: the mock sees it wrapped.
    const volumes = (group.inputs.volumes.value ?? group.inputs.volumes) as Array<{ name: string; secret?: Record<string, string> }>;
    const files = volumes.find((v) => v.name === "scorer-files")!.secret!;
    expect(Object.keys(files).sort()).toEqual(["Caddyfile", "constraints-fetch.txt", "constraints-mlflow-2.txt", "constraints-mlflow-3.txt", "constraints-tools.txt", "scorer_plan.py", "start-scorer.sh"]);
    expect(Buffer.from(files["start-scorer.sh"]!, "base64").toString("utf8")).toMatch(/^#!\/bin\/sh\n/);
  });

  it("runs the lab's dynamic provider as Pulumi's provider host would, from the installed package", () => {
    expect(Date.parse(String(result.leaseCreated.expiresAt)) - Date.parse(String(result.leaseCreated.createdAt))).toBe(1_800_000);
  });

  it("rejects bad args with the package's UserInputError, naming the lab and the key", () => {
    expect(result.rejected).toBe("MlflowLab 'bad': config azure-mlflow-lab:ttl 'forever' is not a duration; use e.g. 30m, 8h, 2d or 1h30m");
  });
});

describe("the mlflow-lab command from the installed package, with plain node", () => {
  it("prints its help and version", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mlflow-lab /);
    const version = await cli(["-V"]);
    expect(version.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
  });

  it("plans the seed lab and the full stack offline, with region reasoning and the cost per hour", async () => {
    const lab = await cli(["plan", "--json"]);
    expect(lab.code, lab.stderr).toBe(0);
    const labPlan = JSON.parse(lab.stdout);
    expect(labPlan.stack).toBe("lab");
    expect(labPlan.region.source).toBe("example-snapshot");
    expect(labPlan.resources.map((r: { type: string }) => r.type)).toContain("databricks:index/notebook:Notebook");
    const full = await cli(["plan", "--stack", "full", "--json"]);
    expect(full.code, full.stderr).toBe(0);
    const fullPlan = JSON.parse(full.stdout);
    const types = fullPlan.resources.map((r: { type: string }) => r.type);
    for (const type of ["azure-native:containerinstance:ContainerGroup", "azure-native:containerservice:ManagedCluster", "pulumi-nodejs:dynamic/lab:EndpointTraffic"]) {
      expect(types).toContain(type);
    }
    expect(fullPlan.costPerHour.totalUsdPerHour).toBeGreaterThan(0);
  });

  it("refuses an unknown stack with a one-line error and exit code 2", async () => {
    const bad = await cli(["plan", "--stack", "no-such-stack"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error: .*no-such-stack/);
  });
});

describe("the Pulumi program `mlflow-lab deploy` runs from the installed package", () => {
  it("is the compiled one in dist/ (plain node, no tsx), reads stacks/, and builds the lab from the stack config", async () => {
    const csv = Buffer.from("Island,CulmenLength\nBiscoe,48.7\n");
    const certs = await makeTestCertificates();
    const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => (req.url === "/penguins.csv" ? res.end(csv) : (res.writeHead(404), res.end())));
    await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
    try {
      const config = {
        "azure-mlflow-lab:owner": "ada@contoso.com",
        "azure-mlflow-lab:suffix": "abc1234",
        "azure-mlflow-lab:datasetUrl": `https://localhost:${(server.address() as AddressInfo).port}/penguins.csv`,
        "azure-mlflow-lab:datasetSha256": createHash("sha256").update(csv).digest("hex"),
      };
      fs.copyFileSync(path.join(__dirname, "consumer", "deploy-program.cjs"), path.join(project, "deploy-program.cjs"));
      const { stdout } = await run(process.execPath, [path.join(project, "deploy-program.cjs")], {
        cwd: project,
        env: { ...env, STACK_CONFIG: JSON.stringify(config), ...childProcessCaEnv(certs.caCertPem, path.join(work, "ca.pem")) },
        maxBuffer: 64 * 1024 * 1024,
      });
      const result = JSON.parse(stdout);
      const dist = path.join(fs.realpathSync(installed), "dist");
      expect(result.workDir).toBe(dist);
      expect(result.projectDir).toBe(dist);
      expect(result.project).toEqual({ name: "azure-mlflow-lab", runtime: { name: "nodejs", options: { typescript: false } }, main: "index.js", stackConfigDir: "../stacks" });
      expect(result.stackFileExists).toBe(true);
      expect(result.outputs).toEqual({ region: "eastus", labId: "msl-abc1234" });
      const file = result.registered.find((r: { type: string }) => r.type === "databricks:index/file:File");
      expect(Buffer.from(file.inputs.contentBase64, "base64").equals(csv)).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 120_000);
});
