import { LocalWorkspace, StackNotFoundError as EngineStackNotFoundError, type ConfigMap, type EngineEvent, type LocalProgramArgs, type LocalWorkspaceOptions, type Stack } from "@pulumi/pulumi/automation";
import { pulumiProjectDir } from "../config/stack-settings";
import { DeploymentError, StackNotFoundError, type DeployEvents, type Deployer, type StackConfig, type StackOutputs, type UpResult } from "./deployer";
import { armErrorsFromDiagnostics } from "./engine-errors";
import { backendSettings } from "./pulumi-backend";

/**
 * The real Deployer: the Pulumi CLI through the Automation API's LocalWorkspace, on the repository's
 * program (Pulumi.yaml at the root, stack settings in stacks/), with a local file backend. Engine
 * errors become DeploymentError with the ARM codes found in the error diagnostics. Only ensureStack and
 * up create a stack; every other operation selects an existing one (StackNotFoundError otherwise).
 */

/** How stacks are opened: the Automation API's LocalWorkspace, or a stand-in for tests (no Pulumi CLI there). */
export interface StackOpener {
  createOrSelect(args: LocalProgramArgs, options: LocalWorkspaceOptions): Promise<Stack>;
  select(args: LocalProgramArgs, options: LocalWorkspaceOptions): Promise<Stack>;
}

const localWorkspace: StackOpener = {
  createOrSelect: (args, options) => LocalWorkspace.createOrSelectStack(args, options),
  select: (args, options) => LocalWorkspace.selectStack(args, options),
};

export interface PulumiDeployerOptions {
  projectDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra variables for the engine (ARM endpoint/token for hosted labs). */
  extraEnv?: Record<string, string>;
  opener?: StackOpener;
}

/** Azure and toolkit variables the program and providers read; passed through to the engine. */
const PASS_THROUGH = /^(ARM_|AZURE_|MLFLOW_LAB_|PULUMI_)/;

/** The engine's "no stack named 'x' found" (also when an older CLI's text is all there is). */
function isMissingStack(error: unknown): boolean {
  return error instanceof EngineStackNotFoundError || /no stack named .*found/i.test(error instanceof Error ? error.message : String(error));
}

export class PulumiDeployer implements Deployer {
  private readonly stacks = new Map<string, Promise<Stack>>();

  constructor(private readonly options: PulumiDeployerOptions = {}) {}

  /** The stack, opened once per deployer; `create` only for ensureStack and up. */
  private stack(name: string, mode: "create" | "existing"): Promise<Stack> {
    let stack = this.stacks.get(name);
    if (!stack) {
      const env = this.options.env ?? process.env;
      const passThrough = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => PASS_THROUGH.test(e[0]) && typeof e[1] === "string"));
      // The backend's passphrase variables win over any passed-through PULUMI_* value.
      const envVars = { ...passThrough, ...this.options.extraEnv, ...backendSettings(env).envVars };
      const opener = this.options.opener ?? localWorkspace;
      const args = { stackName: name, workDir: this.options.projectDir ?? pulumiProjectDir() };
      const opening = mode === "create" ? opener.createOrSelect(args, { envVars }) : opener.select(args, { envVars });
      stack = opening.catch((error: unknown) => {
        // Not cached: a later ensureStack may still create it.
        this.stacks.delete(name);
        throw isMissingStack(error) ? new StackNotFoundError(name) : error;
      });
      this.stacks.set(name, stack);
    }
    return stack;
  }

  async ensureStack(stack: string): Promise<void> {
    await this.stack(stack, "create");
  }

  async getConfig(stack: string): Promise<StackConfig> {
    const config = await (await this.stack(stack, "existing")).getAllConfig();
    return Object.fromEntries(Object.entries(config).map(([key, v]) => [key, { value: v.value, ...(v.secret ? { secret: true } : {}) }]));
  }

  async setConfig(stack: string, config: StackConfig): Promise<void> {
    const map: ConfigMap = Object.fromEntries(Object.entries(config).map(([key, v]) => [key, { value: v.value, secret: v.secret ?? false }]));
    await (await this.stack(stack, "existing")).setAllConfig(map);
  }

  async up(stack: string, events?: DeployEvents): Promise<UpResult> {
    const diagnostics: string[] = [];
    try {
      const result = await (await this.stack(stack, "create")).up({
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
    // Outside the try: a missing stack is StackNotFoundError for the caller, not a failed destroy.
    const existing = await this.stack(stack, "existing");
    try {
      await existing.destroy({
        onOutput: (line) => events?.onProgress?.(line.replace(/\s+$/, "")),
        onEvent: (event) => collectDiagnostics(event, diagnostics),
      });
    } catch (error) {
      throw toDeploymentError("destroy", error, diagnostics);
    }
  }

  async outputs(stack: string): Promise<StackOutputs> {
    return (await (await this.stack(stack, "existing")).outputs()) as StackOutputs;
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
