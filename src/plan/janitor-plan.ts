/**
 * `mlflow-lab plan --stack janitor`: the janitor program (src/lab/janitor) run offline under the mock
 * runtime, like a lab's plan, and shown as what it is: a scheduled cleanup job, the custom role it runs
 * with (the actions as registered), where that role and AcrPull are assigned, and the schedule.
 */
import { readStackSettings, type StackRef } from "../config/stack-settings";
import { buildJanitor, janitorArgs, JANITOR_NAMESPACE, parseJanitorConfig } from "../lab/janitor";
import { UserInputError } from "../errors";
import { BuiltInRole } from "../lab/roles";
import { runProgram } from "./engine";
import type { PlanResource } from "./plan";

export interface JanitorPlanJson {
  stack: string;
  program: "janitor";
  schedule: { cron: string; timeZone: "UTC"; command: string[] };
  role: { name: string; actions: string[]; assignableScopes: string[] };
  /** Who gets what, as registered: the custom role per subscription, AcrPull on the registry. */
  assignments: Array<{ role: string; scope: string }>;
  resources: PlanResource[];
  outputs: Record<string, unknown>;
}

const ROLE_DEFINITION = "azure-native:authorization:RoleDefinition";
const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";

/** Whether `--stack` names the janitor (its file carries `mlflow-lab-janitor:` keys) rather than a lab. */
export function isJanitorStack(stack: StackRef): boolean {
  return Object.keys(readStackSettings(stack, JANITOR_NAMESPACE).config).length > 0;
}

export async function createJanitorPlan(stack: StackRef): Promise<JanitorPlanJson> {
  const settings = readStackSettings(stack, JANITOR_NAMESPACE);
  let config;
  try {
    config = parseJanitorConfig(settings.config);
  } catch (error) {
    throw new UserInputError(`${settings.file}: ${(error as Error).message}`);
  }
  const run = await runProgram(settings.stack, () => buildJanitor(config));
  const resources = run.resources.map(({ type, name, parent, inputs }) => ({ type, name, parent, inputs }));
  const role = resources.find((r) => r.type === ROLE_DEFINITION)?.inputs as
    | { roleName: string; roleDefinitionId: string; assignableScopes: string[]; permissions: Array<{ actions: string[] }> }
    | undefined;
  if (!role) throw new Error("the janitor program registered no role definition");
  const roleNameOf = (definitionId: string) => {
    const guid = definitionId.split("/").pop() ?? definitionId;
    if (guid === BuiltInRole.acrPull) return "AcrPull";
    return guid === role.roleDefinitionId ? role.roleName : guid;
  };
  return {
    stack: settings.stack,
    program: "janitor",
    schedule: { cron: config.schedule, timeZone: "UTC", command: ["mlflow-lab", ...janitorArgs(config)] },
    role: { name: role.roleName, actions: role.permissions.flatMap((p) => p.actions), assignableScopes: role.assignableScopes },
    assignments: resources
      .filter((r) => r.type === ROLE_ASSIGNMENT)
      .map((r) => {
        const inputs = r.inputs as { roleDefinitionId: string; scope: string };
        return { role: roleNameOf(inputs.roleDefinitionId), scope: inputs.scope };
      }),
    resources,
    outputs: run.outputs,
  };
}
