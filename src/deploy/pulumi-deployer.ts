import { LocalWorkspace, type ConfigMap, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { projectRoot } from "../config/stack-settings";
import { DeploymentError, type DeployEvents, type Deployer, type StackConfig, type StackOutputs, type UpResult } from "./deployer";
import { armErrorsFromDiagnostics } from "./engine-errors";
import { backendSettings } from "./pulumi-backend";

/**
 * The real Deployer: the Pulumi CLI through the Automation API's LocalWorkspace, on the repository's
 * program (Pulumi.yaml at the root, stack settings in stacks/), with a local file backend. Engine
 * errors become DeploymentError with the ARM codes found in the error diagnostics.
 */
export interface PulumiDeployerOptions {
  projectDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for the engine (ARM endpoint/token for hosted labs). */
  extraEnv?: Record<string, string>;
}

/** Azure and toolkit variables the program and providers read; passed through to the engine. */
const PASS_THROUGH = /^(ARM_|AZURE_|MLFLOW_LAB_|PULUMI_)/;

export class PulumiDeployer implements Deployer {
  private readonly stacks = new Map<string, Promise<Stack>>();

  constructor(private readonly options: PulumiDeployerOptions = {}) {}

  private stack(name: string): Promise<Stack> {
    let stack = this.stacks.get(name);
    if (!stack) {
      const env = this.options.env ?? process.env;
      const passThrough = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => PASS_THROUGH.test(e[0]) && typeof e[1] === "string"));
      // The backend's passphrase variables win over any passed-through PULUMI_* value.
      const envVars = { ...passThrough, ...this.options.extraEnv, ...backendSettings(env).envVars };
      stack = LocalWorkspace.createOrSelectStack({ stackName: name, workDir: this.options.projectDir ?? projectRoot() }, { envVars });
      this.stacks.set(name, stack);
    }
    return stack;
  }

  async ensureStack(stack: string): Promise<void> {
    await this.stack(stack);
  }

  async getConfig(stack: string): Promise<StackConfig> {
    const config = await (await this.stack(stack)).getAllConfig();
    return Object.fromEntries(Object.entries(config).map(([key, v]) => [key, { value: v.value, ...(v.secret ? { secret: true } : {}) }]));
  }

  async setConfig(stack: string, config: StackConfig): Promise<void> {
    const map: ConfigMap = Object.fromEntries(Object.entries(config).map(([key, v]) => [key, { value: v.value, secret: v.secret ?? false }]));
    await (await this.stack(stack)).setAllConfig(map);
  }

  async up(stack: string, events?: DeployEvents): Promise<UpResult> {
    const diagnostics: string[] = [];
    try {
      const result = await (await this.stack(stack)).up({
        onOutput: (line) => events?.onProgress?.(line.replace(/\s+$/, "")),
        onEvent: (event) => collectDiagnostics(event, diagnostics),
      });
      return { outputs: result.outputs as StackOutputs, summary: (result.summary.resourceChanges ?? {}) as Record<string, number> };
    } catch (error) {
      throw toDeploymentError("up", error, diagnostics);
    }
  }

  async destroy(stack: string, events?: DeployEvents): Promise<void> {
    const diagnostics: string[] = [];
    try {
      await (await this.stack(stack)).destroy({
        onOutput: (line) => events?.onProgress?.(line.replace(/\s+$/, "")),
        onEvent: (event) => collectDiagnostics(event, diagnostics),
      });
    } catch (error) {
      throw toDeploymentError("destroy", error, diagnostics);
    }
  }

  async outputs(stack: string): Promise<StackOutputs> {
    return (await (await this.stack(stack)).outputs()) as StackOutputs;
  }
}

export function collectDiagnostics(event: EngineEvent, into: string[]): void {
  const diagnostic = event.diagnosticEvent;
  if (diagnostic && diagnostic.severity === "error") into.push(diagnostic.message);
}

export function toDeploymentError(operation: string, error: unknown, diagnostics: readonly string[]): DeploymentError {
  const message = error instanceof Error ? error.message : String(error);
  const sources = diagnostics.length > 0 ? diagnostics : [message];
  const first = sources[0]!.replace(/\s+/g, " ").trim().slice(0, 300);
  return new DeploymentError(`pulumi ${operation} failed: ${first}`, armErrorsFromDiagnostics(sources));
}
