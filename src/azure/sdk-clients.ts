/**
 * The official Azure SDK clients, built with the toolkit's credential and endpoint (so they work
 * against the ARM test server too) and one extra pipeline policy: the SDK retries a 429 only when it
 * carries Retry-After, so a 429 without it is retried here with capped exponential backoff.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ComputeManagementClient } from "@azure/arm-compute";
import { AzureDatabricksManagementClient } from "@azure/arm-databricks";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";
import { ArmClient } from "./arm-client";
import type { Clock } from "./clock";
import { armEndpoint, armScope, createCredential, type Env } from "./credentials";
import type { RetryOptions } from "./retry";
import { retryPipelinePolicy } from "./retry-policy";

export const THROTTLE_BACKOFF_POLICY_NAME = "mlflowLabThrottleWithoutRetryAfter";

const RETRY_AFTER_HEADERS = ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"];

/** Retries a 429 that names no wait; a 429 with Retry-After is left to the SDK's own retry policy. */
export function throttleWithoutRetryAfterPolicy(
  options: { retry?: Partial<RetryOptions>; clock?: Clock; random?: () => number } = {},
): PipelinePolicy {
  return retryPipelinePolicy({
    name: THROTTLE_BACKOFF_POLICY_NAME,
    ...options,
    retries: (response) => (response.status === 429 && !RETRY_AFTER_HEADERS.some((h) => response.headers.has(h)) ? { status: 429 } : undefined),
    retryNetworkErrors: false,
  });
}

export interface SdkContext {
  credential: TokenCredential;
  endpoint: string;
  retry?: Partial<RetryOptions>;
  clock?: Clock;
  random?: () => number;
}

/** Credential and endpoint from the environment (MLFLOW_LAB_ACCESS_TOKEN, MLFLOW_LAB_ARM_ENDPOINT). */
export function sdkContextFromEnv(env: Env = process.env, extra: Partial<SdkContext> = {}): SdkContext {
  return { credential: extra.credential ?? createCredential(env), endpoint: extra.endpoint ?? armEndpoint(env), ...extra };
}

/** Options every modular (TypeSpec-generated) client accepts. */
function modularOptions(ctx: SdkContext) {
  return {
    endpoint: ctx.endpoint,
    credentials: { scopes: [armScope(ctx.endpoint)] },
    additionalPolicies: [
      { policy: throttleWithoutRetryAfterPolicy({ retry: ctx.retry, clock: ctx.clock, random: ctx.random }), position: "perRetry" as const },
    ],
    ...(ctx.retry?.maxRetries !== undefined ? { retryOptions: { maxRetries: ctx.retry.maxRetries } } : {}),
  };
}

export function createComputeClient(ctx: SdkContext, subscriptionId: string): ComputeManagementClient {
  return new ComputeManagementClient(ctx.credential, subscriptionId, modularOptions(ctx));
}

export function createResourcesClient(ctx: SdkContext, subscriptionId: string): ResourceManagementClient {
  return new ResourceManagementClient(ctx.credential, subscriptionId, modularOptions(ctx));
}

export function createSubscriptionClient(ctx: SdkContext): SubscriptionClient {
  return new SubscriptionClient(ctx.credential, modularOptions(ctx));
}

export function createPolicyClient(ctx: SdkContext, subscriptionId: string): PolicyClient {
  return new PolicyClient(ctx.credential, subscriptionId, modularOptions(ctx));
}

export function createDatabricksClient(ctx: SdkContext, subscriptionId: string): AzureDatabricksManagementClient {
  return new AzureDatabricksManagementClient(ctx.credential, subscriptionId, modularOptions(ctx));
}

/**
 * Lazily built clients for one subscription: the official SDK clients, and the toolkit's own ArmClient
 * (same credential, endpoint and retry settings) for the calls that go through the raw pipeline.
 */
export interface SdkClients {
  readonly subscriptionId: string;
  readonly arm: ArmClient;
  readonly compute: ComputeManagementClient;
  readonly resources: ResourceManagementClient;
  readonly subscriptions: SubscriptionClient;
  readonly policy: PolicyClient;
  readonly databricks: AzureDatabricksManagementClient;
}

export function createSdkClients(ctx: SdkContext, subscriptionId: string): SdkClients {
  const cache = new Map<string, unknown>();
  const lazy = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  return {
    subscriptionId,
    get arm() { return lazy("arm", () => new ArmClient({ credential: ctx.credential, endpoint: ctx.endpoint, retry: ctx.retry, clock: ctx.clock, random: ctx.random })); },
    get compute() { return lazy("compute", () => createComputeClient(ctx, subscriptionId)); },
    get resources() { return lazy("resources", () => createResourcesClient(ctx, subscriptionId)); },
    get subscriptions() { return lazy("subscriptions", () => createSubscriptionClient(ctx)); },
    get policy() { return lazy("policy", () => createPolicyClient(ctx, subscriptionId)); },
    get databricks() { return lazy("databricks", () => createDatabricksClient(ctx, subscriptionId)); },
  };
}
