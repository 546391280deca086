import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { UserInputError } from "../errors";
import { PROJECT_NAME } from "./lab-config";

/**
 * Reads a Pulumi stack settings file (`stacks/Pulumi.<stack>.yaml`, see Pulumi.yaml `stackConfigDir`)
 * without the Pulumi CLI, for the offline plan and the setup flow. Only this project's keys are returned,
 * without their `azure-mlflow-lab:` prefix; provider keys (e.g. `azure-native:location`) are left out.
 */
export const PRESET_STACKS = ["lab", "course", "full", "serverless"] as const;

/** The repository root: where Pulumi.yaml and the program live, and the stacks/ the Pulumi engine reads. */
export function projectRoot(): string {
  return path.resolve(__dirname, "..", "..");
}

/**
 * The Pulumi project `mlflow-lab deploy` runs: the repository root (Pulumi.yaml: the TypeScript program
 * through tsx) when this code runs from the sources; dist/ (dist/Pulumi.yaml, written by scripts/build.js:
 * the compiled program, plain node) when it runs compiled, as in an installed package, which has no tsx.
 * Both read their stack settings from the same stacks/ folder.
 */
export function pulumiProjectDir(): string {
  return path.extname(__filename) === ".js" ? path.join(projectRoot(), "dist") : projectRoot();
}

/**
 * The stacks/ folder every command reads stack settings from (`plan --stack`, `deploy --stack`,
 * `regions --stack`) and `push-model --deploy` edits: the toolkit's own, or `<MLFLOW_LAB_PROJECT_DIR>/stacks`
 * when that names another project folder (deploy then copies the file's keys into the stack config, as
 * for any settings file the engine does not read itself). Never the current folder: every command must
 * agree on one place wherever it is run from.
 */
export function stacksDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.MLFLOW_LAB_PROJECT_DIR?.trim();
  return path.join(override ? path.resolve(override) : projectRoot(), "stacks");
}

/** The settings file the Pulumi engine itself reads for a stack (Pulumi.yaml `stackConfigDir`). */
export function engineStackFile(stack: string): string {
  return path.join(projectRoot(), "stacks", `Pulumi.${stack}.yaml`);
}

/** Whether `--stack` is a path to a settings file rather than a stack name. */
function isStackPath(stackOrPath: string): boolean {
  return /[\\/]/.test(stackOrPath) || /\.ya?ml$/i.test(stackOrPath);
}

/**
 * The engine's name for a `--stack` value: a path to a settings file names the stack after the file
 * (`path/to/Pulumi.dev.yaml` is stack `dev`); a plain name is used as given, since a deployed stack
 * needs no settings file in stacks/ to be read (score and push-model read only its outputs).
 */
export function stackNameOf(stackOrPath: string): string {
  return isStackPath(stackOrPath) ? stackNameOfFile(resolveStackFile(stackOrPath)) : stackOrPath;
}

/** Where the settings file of `--stack` is (it may not exist): a path as given, or stacks/Pulumi.<stack>.yaml. */
export function stackFilePath(stackOrPath: string): string {
  return isStackPath(stackOrPath) ? path.resolve(stackOrPath) : path.join(stacksDir(), `Pulumi.${stackOrPath}.yaml`);
}

export interface StackSettings {
  /** `lab` for stacks/Pulumi.lab.yaml. */
  stack: string;
  file: string;
  /** Project config keys without the namespace, values as written in YAML. */
  config: Record<string, unknown>;
}

/**
 * `--stack lab` means stacks/Pulumi.lab.yaml; a value with a slash or a .yaml/.yml ending is a path to a
 * stack settings file (useful for custom stacks kept elsewhere).
 */
export function resolveStackFile(stackOrPath: string): string {
  if (isStackPath(stackOrPath)) {
    const file = stackFilePath(stackOrPath);
    if (!fs.existsSync(file)) throw new UserInputError(`stack file ${file} does not exist`);
    return file;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(stackOrPath)) {
    throw new UserInputError(`--stack '${stackOrPath}' is not a stack name; use ${PRESET_STACKS.join(", ")} or a path to a Pulumi.<stack>.yaml`);
  }
  const file = stackFilePath(stackOrPath);
  if (!fs.existsSync(file)) {
    throw new UserInputError(
      `--stack '${stackOrPath}' has no settings file stacks/Pulumi.${stackOrPath}.yaml; presets: ${PRESET_STACKS.join(", ")}`,
    );
  }
  return file;
}

/**
 * A stack settings file as read once by a command: its stack name, path and `config:` mapping (every
 * namespace). Commands read it once and hand it down (settingsOf picks a namespace), so one `deploy` or
 * `plan` parses the file one time.
 */
export interface StackFile {
  stack: string;
  file: string;
  /** The file's `config:` mapping, keys with their namespace. */
  config: Record<string, unknown>;
}

/** What a command may be given: `--stack` as typed, or the file it already read. */
export type StackRef = string | StackFile;

export function readStackFile(stackOrPath: string): StackFile {
  const file = resolveStackFile(stackOrPath);
  const stack = stackNameOfFile(file);
  let document: unknown;
  try {
    document = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UserInputError(`stack file ${file} is not valid YAML: ${reason}`);
  }
  return { stack, file, config: configSectionOf(document, file) };
}

/** The file a command was given, read now when it was only named. */
/** `dev` for `…/Pulumi.dev.yaml` (the name without the file's content: nothing is read). */
function stackNameOfFile(file: string): string {
  const base = path.basename(file);
  return /^Pulumi\.(.+)\.ya?ml$/i.exec(base)?.[1] ?? base.replace(/\.ya?ml$/i, "");
}

export function stackFileOf(ref: StackRef): StackFile {
  return typeof ref === "string" ? readStackFile(ref) : ref;
}

/** The keys of one config namespace (this project's unless another is named), without their prefix. */
export function settingsOf(stackFile: StackFile, namespace: string = PROJECT_NAME): StackSettings {
  return { stack: stackFile.stack, file: stackFile.file, config: namespaceConfig(stackFile.config, stackFile.file, namespace) };
}

/** The settings of `--stack`: the keys of one config namespace (this project's unless another is named). */
export function readStackSettings(stackOrPath: StackRef, namespace: string = PROJECT_NAME): StackSettings {
  return settingsOf(stackFileOf(stackOrPath), namespace);
}

function configSectionOf(document: unknown, file: string): Record<string, unknown> {
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new UserInputError(`stack file ${file} must be a mapping with a 'config:' section`);
  }
  const config = (document as Record<string, unknown>).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new UserInputError(`stack file ${file}: 'config' must be a mapping of '${PROJECT_NAME}:<key>' to values`);
  }
  return config as Record<string, unknown>;
}

function namespaceConfig(config: Record<string, unknown>, file: string, namespace: string): Record<string, unknown> {
  const prefix = `${namespace}:`;
  const result: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      throw new UserInputError(`config ${fullKey} in ${file} is encrypted; these keys are not secrets, store it in plain text`);
    }
    result[key] = value;
  }
  return result;
}
