import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { DeployCommandOptions } from "../deploy";

/** `mlflow-lab deploy`: its options; the run module (../deploy.ts, with the Azure SDK clients) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("deploy")
    .description("choose a region with quota, deploy the stack with failover, and wait until the workspace is ready")
    .option("--stack <stack>", "preset stack (lab, course, full, serverless) or a path to a Pulumi.<stack>.yaml", "lab")
    .option("--region <region>", "start in this region when it is eligible")
    .option("--geography <name>", "rank regions of this geography first (Europe, US, Asia Pacific, ... or a region whose geography is meant)")
    .option("--near <region>", "the region you are in: its geography ranks first unless --region or --geography says otherwise (setup passes Cloud Shell's)")
    .option("--subscription <id>", "subscription to deploy into (default: the signed-in default, or ask when several)")
    .option("--owner <upn>", "lab owner when the stack has none (default: the signed-in user)")
    .option("--yes", "do not ask for confirmation (hosted labs, scripts)")
    .option("--seed <n>", "seed for the tie-break among near-equal regions")
    .option("--json", "print the result as JSON on stdout (no report, no progress)")
    .action(async (options: DeployCommandOptions) => {
      const { runDeploy } = await loadModule<typeof import("../deploy")>(() => require("../deploy"), () => import("../deploy"));
      await runDeploy(options);
    });
}
