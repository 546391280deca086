import type { Command } from "commander";
import { register as registerScore } from "./score";
import { register as registerPushModel } from "./push-model";
import { register as registerPlan } from "./plan";
import { register as registerRegions } from "./regions";
import { register as registerDeploy } from "./deploy";
import { register as registerCleanup } from "./cleanup";
import { register as registerTeardown } from "./teardown";

/**
 * Every `mlflow-lab` command registers itself here. One line per command file keeps merges trivial.
 */
type Register = (program: Command) => void;

const registrations: Register[] = [
  registerPlan,
  registerScore,
  registerPushModel,
  registerRegions,
  registerDeploy,
  registerCleanup,
  registerTeardown,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
