import * as path from "node:path";
import { UserInputError } from "../errors";
import type { Deployer, StackOutputs } from "./deployer";

/**
 * The engine behind Deployer: the Pulumi CLI through the Automation API, or — for tests and hosted labs
 * that bring their own engine — a module named by MLFLOW_LAB_DEPLOYER_MODULE exporting createDeployer(env).
 * Every command that touches a stack (deploy, teardown, score, push-model) gets its engine here.
 */
export async function loadDeployer(env: NodeJS.ProcessEnv = process.env): Promise<Deployer> {
  const modulePath = env.MLFLOW_LAB_DEPLOYER_MODULE;
  if (modulePath) {
    // require, not import(): the CLI runs as CommonJS through tsx, which compiles .ts modules on require.
    const loaded = require(path.resolve(modulePath)) as { createDeployer?: (env: NodeJS.ProcessEnv) => Deployer };
    if (typeof loaded.createDeployer !== "function") {
      throw new UserInputError(`MLFLOW_LAB_DEPLOYER_MODULE ${modulePath} does not export createDeployer(env)`);
    }
    return loaded.createDeployer(env);
  }
  // Loaded on demand: the Automation API is only needed when the real engine runs.
  const { PulumiDeployer } = require("./pulumi-deployer") as typeof import("./pulumi-deployer");
  return new PulumiDeployer({ env });
}

/** Stack outputs as plain values (the secret flag dropped: callers use keys, they never print them). */
export function plainOutputs(outputs: StackOutputs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

/** The outputs of a deployed stack, read through the engine. */
export async function readStackOutputs(stack: string, env: NodeJS.ProcessEnv = process.env): Promise<Record<string, unknown>> {
  const deployer = await loadDeployer(env);
  return plainOutputs(await deployer.outputs(stack));
}
