// What `mlflow-lab deploy` hands the Pulumi CLI from an installed package, without the CLI (it cannot be
// downloaded here): the project directory the deployer opens, that project's Pulumi.yaml, and its program
// run the way Pulumi's nodejs language host runs it (require(main), call the exported function), under the
// mock runtime with the stack's config. Plain node: the installed package has no tsx. Prints JSON.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

async function main() {
  const packageDir = path.dirname(require.resolve("azure-mlflow-lab/package.json"));
  const dist = path.join(packageDir, "dist");
  const { pulumiProjectDir } = require(path.join(dist, "config", "stack-settings.js"));
  const { PulumiDeployer } = require(path.join(dist, "deploy", "pulumi-deployer.js"));
  const YAML = require(require.resolve("yaml", { paths: [packageDir] }));

  // The directory the real deployer gives the Automation API's LocalWorkspace.
  let workDir;
  const opener = {
    createOrSelect: async (args) => {
      workDir = args.workDir;
      throw new Error("no Pulumi CLI here");
    },
    select: async (args) => {
      workDir = args.workDir;
      throw new Error("no Pulumi CLI here");
    },
  };
  await new PulumiDeployer({ env: {}, opener }).ensureStack("lab").catch(() => undefined);

  const projectDir = pulumiProjectDir();
  const project = YAML.parse(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8"));
  const stackFile = path.join(projectDir, project.stackConfigDir, "Pulumi.lab.yaml");

  const registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: { ...args.inputs, __provider: undefined } });
        return { id: `${args.name}-id`, state: { ...args.inputs } };
      },
      call: (args) =>
        args.token === "azure-native:authorization:getClientConfig"
          ? { subscriptionId: "11111111-2222-3333-4444-555555555555", tenantId: "t", clientId: "c", objectId: "o" }
          : {},
    },
    project.name,
    "lab",
  );
  const config = JSON.parse(process.env.STACK_CONFIG);
  pulumi.runtime.setAllConfig(config);
  const program = require(path.join(projectDir, project.main));
  const outputs = await program();
  // The dataset file registers once its download has been checked.
  const giveUp = Date.now() + 20_000;
  while (!registered.some((r) => r.type === "databricks:index/file:File") && Date.now() < giveUp) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.stdout.write(
    JSON.stringify({
      packageDir,
      workDir,
      projectDir,
      project: { name: project.name, runtime: project.runtime, main: project.main, stackConfigDir: project.stackConfigDir },
      stackFileExists: fs.existsSync(stackFile),
      outputs: { region: outputs.region, labId: outputs.labId },
      registered,
    }),
  );
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
