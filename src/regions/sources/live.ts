import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { azureCliConfigDir, type Env } from "../../azure/credentials";
import { createSdkClients, sdkContextFromEnv, type SdkContext } from "../../azure/sdk-clients";
import { UserInputError } from "../../errors";
import { isUsableSubscriptionState } from "../evaluate";
import { modelServingSignals } from "../model-serving-regions";
import type { RegionSignalsSnapshot } from "../signals";
import { gatherSignals } from "./gather";
import { isAuthError, persist } from "../../azure/sdk-errors";
import { authFailure } from "./auth-failure";
import { listSubscriptions, type SubscriptionSummary } from "./subscription";
import { createSubscriptionClient } from "../../azure/sdk-clients";

/**
 * Which subscription, and live signals for it. The subscription comes from --subscription, then
 * AZURE_SUBSCRIPTION_ID, then the usable (enabled or warned) subscriptions visible: the only one, else
 * the Azure CLI's default (~/.azure/azureProfile.json) when it is one of them; with several and no usable
 * default, the user must say which (deploy asks on a terminal). `regions` reads the CLI default without
 * listing: a caller that passes no list takes the default as it is.
 */

/** Subscriptions a lab can use: not disabled, past due or deleted. */
export function usableSubscriptions(visible: readonly SubscriptionSummary[]): SubscriptionSummary[] {
  return visible.filter((s) => isUsableSubscriptionState(s.state));
}

export function cliDefaultSubscription(env: Env, home: string = os.homedir()): string | undefined {
  const file = path.join(azureCliConfigDir(env, home), "azureProfile.json");
  try {
    const text = fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    const profile = JSON.parse(text) as { subscriptions?: Array<{ id?: string; isDefault?: boolean }> };
    return profile.subscriptions?.find((s) => s.isDefault)?.id;
  } catch {
    return undefined;
  }
}

/**
 * Asks which of several usable subscriptions (deploy on a terminal); `usableDefault` is the CLI default
 * when it is one of them.
 */
export type AskSubscription = (usable: readonly SubscriptionSummary[], usableDefault: string | undefined) => Promise<string>;

export async function chooseSubscription(
  requested: string | undefined,
  env: Env,
  visible: readonly SubscriptionSummary[] | undefined,
  ask?: AskSubscription,
): Promise<string> {
  if (requested) return requested;
  const fromEnv = env.AZURE_SUBSCRIPTION_ID?.trim();
  if (fromEnv) return fromEnv;
  const cliDefault = cliDefaultSubscription(env);
  // Without the list there is nothing to check the default against: it is taken as it is.
  if (!visible && cliDefault) return cliDefault;
  const usable = usableSubscriptions(visible ?? []);
  if (usable.length === 1) return usable[0]!.id;
  if (usable.length === 0) {
    const disabled = (visible ?? []).map((s) => `${s.id} (${s.state})`).join(", ");
    throw new UserInputError(
      `no usable Azure subscription is visible to this sign-in${disabled ? `: ${disabled}` : ""}; sign in with an account that has one (az login), or pass --subscription ID`,
    );
  }
  const usableDefault = cliDefault && usable.some((s) => s.id === cliDefault) ? cliDefault : undefined;
  if (ask) return ask(usable, usableDefault);
  if (usableDefault) return usableDefault;
  throw new UserInputError(`several subscriptions are usable (${usable.map((s) => `${s.id} ${s.displayName ?? ""}`.trim()).join("; ")}); pass --subscription ID`);
}

export async function listVisibleSubscriptions(ctx: SdkContext): Promise<SubscriptionSummary[]> {
  try {
    return await persist(() => listSubscriptions(createSubscriptionClient(ctx)));
  } catch (error) {
    if (isAuthError(error)) throw authFailure(error, "your subscriptions");
    throw error;
  }
}

export interface LiveRequest {
  subscription?: string;
  env: Env;
  ctx?: SdkContext;
  regions?: readonly string[];
  /** Also read Azure ML's quota per region (stacks with managed endpoints). */
  azureMlUsages?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export async function readLiveSignals(request: LiveRequest): Promise<RegionSignalsSnapshot> {
  const ctx = request.ctx ?? sdkContextFromEnv(request.env);
  const needList = !request.subscription && !request.env.AZURE_SUBSCRIPTION_ID?.trim() && !cliDefaultSubscription(request.env);
  const subscriptionId = await chooseSubscription(request.subscription, request.env, needList ? await listVisibleSubscriptions(ctx) : undefined);
  const clients = createSdkClients(ctx, subscriptionId);
  return gatherSignals({
    clients,
    subscriptionId,
    regions: request.regions,
    azureMlUsages: request.azureMlUsages,
    modelServing: modelServingSignals(request.env as NodeJS.ProcessEnv),
    onProgress: request.onProgress,
  });
}
