import type { Command } from "commander";
import { createPlan } from "../../plan/plan";
import { renderPlan } from "../../plan/render";

/**
 * `mlflow-lab plan [--stack lab|course|full] [--json]`: runs the lab program offline under Pulumi's mock
 * runtime and shows what the stack would create. `npm start` runs it for the `lab` preset.
 */
export function register(program: Command): void {
  program
    .command("plan")
    .description("show what a stack creates, offline: region and why, resources, outputs, cost per hour")
    .option("--stack <stack>", "preset (lab, course, full), another stack in stacks/, or a path to a Pulumi.<stack>.yaml", "lab")
    .option("--json", "print {stack, region, resources, outputs, costPerHour} as JSON")
    .action(async (options: { stack: string; json?: boolean }) => {
      const plan = await createPlan({ stack: options.stack });
      process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : renderPlan(plan));
    });
}
