import { readStackFile } from "../../config/stack-settings";
import { createJanitorPlan, isJanitorStack } from "../../plan/janitor-plan";
import { renderJanitorPlan } from "../../plan/janitor-render";
import { createPlan } from "../../plan/plan";
import { renderPlan } from "../../plan/render";
import { planRegionDecider } from "./regions";

/**
 * `mlflow-lab plan`: what runs once the command is chosen (options: ./register/plan.ts).
 */
export async function runPlan(options: { stack: string; json?: boolean }): Promise<void> {
  // Read once, then handed down.
  const stack = readStackFile(options.stack);
  // The janitor stack is another program: its job, role and schedule, not a lab.
  if (isJanitorStack(stack)) {
    const plan = await createJanitorPlan(stack);
    process.stdout.write(options.json ? `${JSON.stringify(plan, null, 2)}\n` : renderJanitorPlan(plan));
    return;
  }
  // The region selection would pick: live with credentials, else the labelled example snapshot.
  const plan = await createPlan({ stack, decideRegion: planRegionDecider() });
  process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : renderPlan(plan));
}
