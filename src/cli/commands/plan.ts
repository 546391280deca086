import { createPlan } from "../../plan/plan";
import { renderPlan } from "../../plan/render";

/**
 * `mlflow-lab plan`: what runs once the command is chosen (options: ./register/plan.ts).
 */
export async function runPlan(options: { stack: string; json?: boolean }): Promise<void> {
  const plan = await createPlan({ stack: options.stack });
  process.stdout.write(options.json ? `${JSON.stringify(plan.json, null, 2)}\n` : renderPlan(plan));
}
