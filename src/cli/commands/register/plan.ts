import type { Command } from "commander";
import { loadModule } from "../../lazy-module";

/**
 * `mlflow-lab plan [--stack lab|course|full] [--json]`: runs the lab program offline under Pulumi's mock
 * runtime and shows what the stack would create. `npm start` runs it for the `lab` preset.
 * The run module (../plan.ts, with the Pulumi SDK) is loaded when the command runs.
 */
export function register(program: Command): void {
  program
    .command("plan")
    .description("show what a stack creates, offline: region and why, resources, outputs, cost per hour")
    .option("--stack <stack>", "preset (lab, course, full, serverless), another stack in stacks/, or a path to a Pulumi.<stack>.yaml", "lab")
    .option("--json", "print {stack, region, resources, outputs, costPerHour} as JSON")
    .action(async (options: { stack: string; json?: boolean }) => {
      const { runPlan } = await loadModule<typeof import("../plan")>(() => require("../plan"), () => import("../plan"));
      await runPlan(options);
    });
}
