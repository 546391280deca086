/**
 * `mlflow-lab deploy` once its options are parsed: select a region on live signals, settle the stack's
 * owner and config, confirm, then deploy with failover (./failover-flow.ts). Cloud Shell's setup scripts
 * end here. The command parses options, hands over its environment, terminal and engine loader, and
 * prints the outcome.
 */
import * as path from "node:path";
import { armScope } from "../azure/credentials";
import { createSdkClients, type SdkContext } from "../azure/sdk-clients";
import { OperationFailedError, UserInputError } from "../errors";
import { StackNotFoundError, type Deployer, type StackConfig } from "./deployer";
import { describeCompute } from "../config/compute";
import { PROJECT_NAME } from "../config/lab-config";
import { engineStackFile, readStackFile, settingsOf, type StackFile } from "../config/stack-settings";
import { CONFIG_KEY, deployWithFailover, type DeployOutcome } from "./failover-flow";
import { SdkLabArm } from "./lab-arm";
import { labNames } from "../lab/naming";
import { ownerFromAccessToken } from "./owner";
import { confirm, pickSubscription, type PromptIO } from "./prompt";
import { BlocklistStore, defaultBlocklistFile } from "../regions/blocklist-store";
import { NoEligibleRegionError } from "../regions/evaluate";
import { headroomText } from "../regions/render";
import { runSelection } from "../regions/select";
import { chooseSubscription, listVisibleSubscriptions, readLiveSignals, type AskSubscription } from "../regions/sources/live";
import { demandForStack } from "../regions/stack-demand";
import { needsAzureMlQuota } from "../regions/stack-vms";

export interface DeployRequest {
  stack: string;
  region?: string;
  geography?: string;
  near?: string;
  subscription?: string;
  owner?: string;
  yes?: boolean;
  /** The tie-break seed of region selection (already checked). */
  seed: string;
  /** With --json, progress lines stay off stderr. */
  json?: boolean;
}

export interface DeployDeps {
  env: NodeJS.ProcessEnv;
  /** Where questions are asked and progress is written. */
  io: PromptIO;
  /** The Azure SDK context (credential, endpoint), made once the request has been checked. */
  sdkContext: () => SdkContext;
  /** The engine, loaded once a region has been found. */
  loadDeployer: () => Promise<Deployer>;
}

/**
 * Like setup.ps1: one usable subscription is taken as is, several are offered in a list on a terminal
 * (disabled and read-only ones are left out). With --yes, or without a terminal, the Azure CLI's default
 * is used when it is one of them; otherwise --subscription is required.
 */
async function chooseSubscriptionFor(options: DeployRequest, env: NodeJS.ProcessEnv, ctx: SdkContext, io: PromptIO): Promise<string> {
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
async function resolveOwner(deployer: Deployer, options: DeployRequest, stackFile: StackFile, stack: string, ctx: SdkContext): Promise<string> {
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

export async function deployLab(options: DeployRequest, deps: DeployDeps): Promise<DeployOutcome> {
  const { env, io } = deps;
  // Progress lines are for people; with --json stderr stays quiet apart from a question or an error.
  const say = (line: string) => {
    if (!options.json) io.output.write(`${line}\n`);
  };
  const seed = options.seed;
  // The stack file is read once here and handed to every step that needs it.
  const stackFile = readStackFile(options.stack);
  const { demand, stack } = demandForStack(stackFile, { region: options.region, geography: options.geography, near: options.near });
  // Asked now rather than after the live read and the stack set-up: without a terminal there is no one
  // to answer the confirmation, so fail before anything is read or written.
  if (!options.yes && !io.input.isTTY) throw new UserInputError("deploy needs a confirmation and there is no terminal to ask on; pass --yes");
  const ctx = deps.sdkContext();

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

  const deployer = await deps.loadDeployer();
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
  return outcome;
}
