import { createPlan } from "../../plan/plan";
import { renderPlan } from "../../plan/render";
import { planRegionDecider } from "./regions";

/**
 * `mlflow-lab plan`: what runs once the command is chosen (options: ./register/plan.ts).
 */
export async function runPlan(options: { stack: string; json?: boolean }): Promise<void> {
  // The region selection would pick: live with credentials, else the labelled example snapshot.
  const plan = await createPlan({ stack: options.stack, decideRegion: planRegionDecider() });
  process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : renderPlan(plan));
}
