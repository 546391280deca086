import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { PushOptions } from "../push-model";

/** `mlflow-lab push-model`: its options; the run module (../push-model.ts) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("push-model")
    .description("register an MLflow model (folder, mlruns, runs:/, models:/) as an Azure ML model version")
    .argument("<source>", "model folder, mlruns folder, runs:/<run_id>/<path>, models:/<name>/<version> or models:/<name>@<alias>")
    .requiredOption("--name <model>", "Azure ML model name")
    .option("--version <n>", "version to register (default: the next one; same content is never registered twice)")
    .option("--tracking-uri <uri>", "MLflow tracking server (default MLFLOW_TRACKING_URI), `databricks`, or an mlruns folder")
    .option("--run-id <id>", "with an mlruns folder: the run whose model to push")
    .option("--artifact-path <path>", "with an mlruns folder: the model's artifact path or logged-model name")
    .option("--workspace <id|name>", "Azure ML workspace ARM id, or its name with --resource-group")
    .option("--resource-group <rg>", "resource group of --workspace <name>")
    .option("--subscription <id>", "subscription of --workspace <name> (default AZURE_SUBSCRIPTION_ID)")
    .option("--stack <stack>", "lab stack: its outputs name the workspace, and --deploy edits its config")
    .option("--outputs <file>", "JSON of `pulumi stack output --json --show-secrets` (finds the workspace)")
    .option("--deploy <endpoint>", "then point this stack endpoint at the new version (stacks/Pulumi.<stack>.yaml)")
    .option("--json", "print the result as JSON on stdout (no table, no progress)")
    .action(async (source: string, options: PushOptions) => {
      const { runPushModel } = await loadModule<typeof import("../push-model")>(() => require("../push-model"), () => import("../push-model"));
      await runPushModel(source, options);
    });
}
