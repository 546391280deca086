import * as path from "node:path";
import Table from "cli-table3";
import { armScope } from "../../azure/credentials";
import { createSdkClients, sdkContextFromEnv } from "../../azure/sdk-clients";
import { OperationFailedError, UserInputError } from "../../errors";
import { StackNotFoundError, type Deployer, type StackConfig } from "../../deploy/deployer";
import { loadDeployer } from "../../deploy/load-deployer";
import { describeCompute } from "../../config/compute";
import { PROJECT_NAME } from "../../config/lab-config";
import { engineStackFile, readStackFile, settingsOf, type StackFile } from "../../config/stack-settings";
import { CONFIG_KEY, deployWithFailover, type DeployOutcome } from "../../deploy/failover-flow";
import { SdkLabArm } from "../../deploy/lab-arm";
import { labNames } from "../../lab/naming";
import { ownerFromAccessToken } from "../../deploy/owner";
import { confirm, pickSubscription, type PromptIO } from "../../deploy/prompt";
import { BlocklistStore, defaultBlocklistFile } from "../../regions/blocklist-store";
import { NoEligibleRegionError } from "../../regions/evaluate";
import { headroomText } from "../../regions/render";
import { runSelection } from "../../regions/select";
import { chooseSubscription, listVisibleSubscriptions, readLiveSignals, type AskSubscription } from "../../regions/sources/live";
import { demandForStack } from "../../regions/stack-demand";
import { needsAzureMlQuota } from "../../regions/stack-vms";
import { parseSeed } from "./regions";

/**
 * `mlflow-lab deploy`: select a region on live signals, then deploy the stack with failover and print
 * where the lab is, when it expires and how to remove it. Cloud Shell's setup scripts end here.
 * Options: ./register/deploy.ts.
 */
export interface DeployCommandOptions {
  stack: string;
  region?: string;
  geography?: string;
  near?: string;
  subscription?: string;
  owner?: string;
  yes?: boolean;
  seed?: string;
  json?: boolean;
}

/**
 * Like setup.ps1: one usable subscription is taken as is, several are offered in a list on a terminal
 * (disabled and read-only ones are left out). With --yes, or without a terminal, the Azure CLI's default
 * is used when it is one of them; otherwise --subscription is required.
 */
async function chooseSubscriptionFor(options: DeployCommandOptions, env: NodeJS.ProcessEnv, ctx: ReturnType<typeof sdkContextFromEnv>, io: PromptIO): Promise<string> {
  const needList = !options.subscription && !env.AZURE_SUBSCRIPTION_ID?.trim();
  const ask: AskSubscription | undefined = io.input.isTTY
    ? async (usable, usableDefault) => (options.yes && usableDefault ? usableDefault : pickSubscription(usable, io))
    : undefined;
  return chooseSubscription(options.subscription, env, needList ? await listVisibleSubscriptions(ctx) : undefined, ask);
}

const OWNER_KEY = `${PROJECT_NAME}:owner`;

/**
 * Who the lab belongs to, read without creating or changing the stack: the stack's own owner (its
 * config when it exists, else the settings file it starts from), then --owner, then the signed-in
 * identity from the access token.
 */
async function resolveOwner(deployer: Deployer, options: DeployCommandOptions, stackFile: StackFile, stack: string, ctx: ReturnType<typeof sdkContextFromEnv>): Promise<string> {
  let current: StackConfig = {};
  try {
    current = await deployer.getConfig(stack);
  } catch (error) {
    if (!(error instanceof StackNotFoundError)) throw error;
  }
  const fromFile = settingsOf(stackFile).config.owner;
  const configured = current[OWNER_KEY]?.value || (typeof fromFile === "string" ? fromFile.trim() : "");
  if (configured) return configured;
  if (options.owner) return options.owner;
  const token = await ctx.credential.getToken(armScope(ctx.endpoint)).catch(() => null);
  const signedIn = token ? ownerFromAccessToken(token.token) : undefined;
  if (!signedIn) throw new UserInputError(`stack ${stack} has no owner and the sign-in does not name one; pass --owner you@contoso.com (nothing was created)`);
  return signedIn;
}

/** Keys the deploy flow decides and writes itself; a settings file states only a preference for them. */
const FLOW_OWNED_KEYS: ReadonlySet<string> = new Set([CONFIG_KEY.region, CONFIG_KEY.nodeType, CONFIG_KEY.suffix]);

/**
 * A settings file outside the engine's stacks/ (a path, or MLFLOW_LAB_PROJECT_DIR) is the user's copy of
 * the stack: its keys are copied into the engine's config on every deploy, so an edit (such as
 * push-model --deploy changing an endpoint's model) reaches the next `up`. Returns the stack config as it now is.
 */
async function syncStackFromFile(deployer: Deployer, stackFile: StackFile, stack: string): Promise<StackConfig> {
  const settings = settingsOf(stackFile);
  const existing = await deployer.getConfig(stack);
  if (path.resolve(settings.file) === engineStackFile(stack)) return existing;
  const changed: StackConfig = {};
  for (const [key, value] of Object.entries(settings.config)) {
    const fullKey = `${PROJECT_NAME}:${key}`;
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (existing[fullKey] === undefined || (!FLOW_OWNED_KEYS.has(fullKey) && existing[fullKey]!.value !== text)) changed[fullKey] = { value: text };
  }
  if (Object.keys(changed).length > 0) await deployer.setConfig(stack, changed);
  return { ...existing, ...changed };
}

export function outcomeReport(outcome: DeployOutcome): string {
  const lines = [
    `Lab ready: stack ${outcome.stack}, resource group ${outcome.resourceGroup}${outcome.resumed ? " (resumed)" : ""}`,
    `  Workspace:  ${outcome.workspaceUrl ?? "(the engine reported no URL; see the portal)"}`,
    `  Region:     ${outcome.region} (${outcome.compute === "serverless" ? "serverless compute, no cluster" : outcome.nodeType})`,
    `  Expires:    ${outcome.expiresAt ?? "(no lab-expires-at tag found)"}`,
    `  Tear down:  ${outcome.teardownCommand}`,
  ];
  if (outcome.attempts.length > 1) {
    const table = new Table({ head: ["Region", "Node type", "Outcome", "Reason"], style: { head: [], border: [] }, wordWrap: true, colWidths: [16, 18, 11, 70] });
    for (const a of outcome.attempts) table.push([a.region, a.nodeType, a.outcome, a.reason ?? ""]);
    lines.push("Attempts:", table.toString());
  }
  return `${lines.join("\n")}\n`;
}

export async function runDeploy(options: DeployCommandOptions, env: NodeJS.ProcessEnv = process.env, io: PromptIO = { input: process.stdin, output: process.stderr }): Promise<DeployOutcome> {
  // Progress lines are for people; with --json stderr stays quiet apart from a question or an error.
  const say = (line: string) => {
    if (!options.json) io.output.write(`${line}\n`);
  };
  const seed = parseSeed(options.seed);
  // The stack file is read once here and handed to every step that needs it.
  const stackFile = readStackFile(options.stack);
  const { demand, stack } = demandForStack(stackFile, { region: options.region, geography: options.geography, near: options.near });
  // Asked now rather than after the live read and the stack set-up: without a terminal there is no one
  // to answer the confirmation, so fail before anything is read or written.
  if (!options.yes && !io.input.isTTY) throw new UserInputError("deploy needs a confirmation and there is no terminal to ask on; pass --yes");
  const ctx = sdkContextFromEnv(env);

  const subscriptionId = await chooseSubscriptionFor(options, env, ctx, io);

  say(`reading quota, VM sizes, providers and policy of every region in subscription ${subscriptionId} ...`);
  const snapshot = await readLiveSignals({ subscription: subscriptionId, env, ctx, azureMlUsages: needsAzureMlQuota(demand.stackVms) });
  const blocklist = new BlocklistStore(defaultBlocklistFile(env));
  try {
    const preview = runSelection(snapshot, demand, { seed, blocklist: blocklist.load(), env });
    say(`compute ${describeCompute(demand.compute ?? "classic", demand.nodeTypes[0]!)}`);
    say(
      demand.compute === "serverless"
        ? `region ${preview.choice.region}: ${preview.choice.why}`
        : `region ${preview.choice.region} with ${preview.choice.nodeType} (${headroomText(preview.choice.headroom)}): ${preview.choice.why}`,
    );
  } catch (error) {
    // Nothing has been created: say which constraint excluded the regions and stop.
    if (error instanceof NoEligibleRegionError) throw new OperationFailedError(`${error.message}; nothing was created ('mlflow-lab regions' shows every region's reasons)`);
    throw error;
  }

  const deployer = await loadDeployer(env);
  // Settled before the stack is created or seeded: a missing owner must leave nothing behind.
  const owner = await resolveOwner(deployer, options, stackFile, stack, ctx);
  const clients = createSdkClients(ctx, subscriptionId);
  const arm = new SdkLabArm(clients);
  await deployer.ensureStack(stack);
  // The stack's config as the engine now has it (the file's edits included), read once here.
  const existing = await syncStackFromFile(deployer, stackFile, stack);
  if (!existing[OWNER_KEY]?.value) await deployer.setConfig(stack, { [OWNER_KEY]: { value: owner } });

  const suffix = existing[CONFIG_KEY.suffix]?.value;
  const resourceGroup = suffix ? labNames(suffix).resourceGroup : undefined;
  const resuming = resourceGroup ? (await arm.resourceGroup(resourceGroup)).state !== "absent" : false;
  if (!options.yes) {
    const question = resuming
      ? `Resume stack ${stack} (resource group ${resourceGroup} exists)?`
      : `Deploy stack ${stack} into subscription ${subscriptionId}?`;
    if (!(await confirm(question, io))) throw new OperationFailedError("cancelled; nothing was created");
  }

  const outcome = await deployWithFailover({
    deployer,
    stack,
    demand,
    selection: { snapshot, seed, env },
    blocklist,
    arm,
    subscriptionId,
    onProgress: say,
  });
  if (options.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  else process.stdout.write(outcomeReport(outcome));
  return outcome;
}
