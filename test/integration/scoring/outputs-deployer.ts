import * as fs from "node:fs";
import type { Deployer, StackOutputs } from "../../../src/deploy/deployer";

/**
 * A deployed stack as far as `score --stack` and `push-model --stack` can see it: its outputs, in the
 * Automation API's {value, secret} form, read from MLFLOW_LAB_TEST_OUTPUTS. Loaded through
 * MLFLOW_LAB_DEPLOYER_MODULE, the seam that stands in for the Pulumi CLI (which cannot be installed here).
 */
export function createDeployer(env: NodeJS.ProcessEnv): Deployer {
  const file = env.MLFLOW_LAB_TEST_OUTPUTS;
  if (!file) throw new Error("MLFLOW_LAB_TEST_OUTPUTS is not set");
  const unsupported = async (): Promise<never> => {
    throw new Error("this test engine only reports outputs");
  };
  return {
    ensureStack: unsupported,
    getConfig: unsupported,
    setConfig: unsupported,
    up: unsupported,
    destroy: unsupported,
    async outputs(stack: string): Promise<StackOutputs> {
      const byStack = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, StackOutputs>;
      return byStack[stack] ?? {};
    },
  };
}
