/**
 * The seam between the toolkit and the Pulumi engine. The real implementation drives the Pulumi CLI
 * through the Automation API; tests use a recording fake, because the CLI cannot be installed in CI.
 * Everything above this interface (failover, setup, teardown) is the real code under test.
 */
import { UserInputError } from "../errors";

/** A stack config value as the Automation API takes it (`secret` values are encrypted in the stack file). */
export interface StackConfigValue {
  value: string;
  secret?: boolean;
}

export type StackConfig = Record<string, StackConfigValue>;

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export type StackOutputs = Record<string, StackOutput>;

export interface DeployEvents {
  /** A line of engine progress meant for people (resource created, waiting, ...). */
  onProgress?(line: string): void;
}

export interface UpResult {
  outputs: StackOutputs;
  /** Counts of resource operations the engine reported (create/update/delete/same). */
  summary: Record<string, number>;
}

/**
 * Only `ensureStack` (and `up`, which deploy runs after it) may create a stack. Reading a stack's config or
 * outputs, changing its config and destroying it work on an existing stack and throw StackNotFoundError
 * when there is none, so a dry run or a read never leaves an empty stack behind.
 */
export interface Deployer {
  /** Creates the stack when missing, otherwise selects it; never duplicates. */
  ensureStack(stack: string): Promise<void>;
  getConfig(stack: string): Promise<StackConfig>;
  /** Merges the given keys into the stack config (keys are `azure-mlflow-lab:<key>` or provider keys). */
  setConfig(stack: string, config: StackConfig): Promise<void>;
  up(stack: string, events?: DeployEvents): Promise<UpResult>;
  destroy(stack: string, events?: DeployEvents): Promise<void>;
  /** The stack's outputs; `{}` for a stack that was never deployed. */
  outputs(stack: string): Promise<StackOutputs>;
}

/** The named stack does not exist (nothing was created to find out). */
export class StackNotFoundError extends UserInputError {
  constructor(readonly stackName: string) {
    super(`there is no stack named ${stackName} ('mlflow-lab deploy --stack ${stackName}' creates it)`);
    this.name = "StackNotFoundError";
  }
}

/** An ARM error as the engine reported it; `details` keeps codes nested under `DeploymentFailed`. */
export interface DeploymentArmError {
  code: string;
  message: string;
  details?: ReadonlyArray<DeploymentArmError>;
}

/**
 * A failed `up`/`destroy`. `armErrors` carries the ARM error codes and messages the engine reported, so
 * failover can decide whether to try another region or stop.
 */
export class DeploymentError extends Error {
  constructor(
    message: string,
    readonly armErrors: ReadonlyArray<DeploymentArmError>,
  ) {
    super(message);
    this.name = "DeploymentError";
  }
}
