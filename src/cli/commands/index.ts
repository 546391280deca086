import type { Command } from "commander";
import { register as registerScore } from "./register/score";
import { register as registerPushModel } from "./register/push-model";
import { register as registerPlan } from "./register/plan";
import { register as registerRegions } from "./register/regions";
import { register as registerDeploy } from "./register/deploy";
import { register as registerCleanup } from "./register/cleanup";
import { register as registerTeardown } from "./register/teardown";
import { register as registerClass } from "./register/class";

/**
 * Every `mlflow-lab` command registers itself here. One line per command file keeps merges trivial.
 * Registration (./register/<command>.ts) defines only the options; each command's run module
 * (./<command>.ts) is loaded inside its action, so start-up, --help and usage errors stay fast.
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
  registerClass,
];

export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
