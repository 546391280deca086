/**
 * Where cleanup's allowlist and defaults come from, in one place:
 *
 * 1. a config file — `--config FILE`, else `cleanup.yaml` in the state directory when it exists:
 *      allowedSubscriptions: [<subscription id>, ...]
 *      protectedNamePatterns: ["keep-*"]   # added to the built-in list
 *      grace: 1h
 *      groupWait: 20m    # how long to wait for each group's delete (then: "still deleting", exit 1)
 *      max: 100
 * 2. the environment — MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS (ids separated by commas or spaces), which
 *    replaces the file's list (how the scheduled jobs are configured);
 * 3. `--subscription <id>` flags, which may only NARROW the configured list when one exists (a typo
 *    on the command line can never widen what a scheduled job's configuration allows); without a
 *    configured list they are the allowlist.
 *
 * An empty allowlist is refused: cleanup never guesses where it may delete.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { UserInputError } from "../errors";
import { GUID_PATTERN } from "../config/guid";
import { stateDir } from "../config/state-dir";
import { zodIssueLine } from "../config/zod-issue";
import { DEFAULT_PROTECTED_NAME_PATTERNS } from "../removal/name-patterns";
import { DEFAULT_MAX_DELETES, parseMax } from "./run-guards";
import { formatSpan, parseSpan } from "../config/duration";
import { DEFAULT_GROUP_WAIT_MS } from "../removal/group-deletion";

export const SUBSCRIPTIONS_ENV = "MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS";
export const CONFIG_FILE_NAME = "cleanup.yaml";
export const DEFAULT_GRACE = "1h";
export const DEFAULT_GROUP_WAIT = formatSpan(DEFAULT_GROUP_WAIT_MS);
const FILE_KEYS = "allowedSubscriptions, protectedNamePatterns, grace, groupWait, max";

const FileSchema = z
  .object({
    allowedSubscriptions: z.array(z.string()).optional(),
    protectedNamePatterns: z.array(z.string()).optional(),
    grace: z.string().optional(),
    groupWait: z.string().optional(),
    max: z.number().int().nonnegative().optional(),
  })
  .strict();

export interface CleanupFlags {
  subscription?: string[];
  grace?: string;
  groupWait?: string;
  max?: string;
  config?: string;
}

export interface CleanupSettings {
  subscriptions: string[];
  /** Where the allowlist came from, for the report header ("--subscription", env var, file). */
  allowlistSource: string;
  graceMs: number;
  grace: string;
  /** How long to wait for one group's delete before reporting it as still deleting. */
  groupWaitMs: number;
  max: number;
  protectedNamePatterns: string[];
}

function splitIds(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

function checkIds(ids: string[], where: string): string[] {
  for (const id of ids) {
    if (!GUID_PATTERN.test(id)) throw new UserInputError(`${where}: '${id}' is not a subscription id (expected a GUID like 00000000-0000-0000-0000-000000000000)`);
  }
  return [...new Map(ids.map((id) => [id.toLowerCase(), id])).values()];
}

function readConfigFile(file: string, explicit: boolean): z.infer<typeof FileSchema> | undefined {
  if (!fs.existsSync(file)) {
    if (explicit) throw new UserInputError(`--config ${file}: no such file`);
    return undefined;
  }
  let raw: unknown;
  try {
    raw = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserInputError(`${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const parsed = FileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    throw new UserInputError(`${file}: ${zodIssueLine(parsed.error, raw ?? {})} (accepted keys: ${FILE_KEYS})`);
  }
  return parsed.data;
}

export function resolveCleanupSettings(flags: CleanupFlags, env: NodeJS.ProcessEnv = process.env): CleanupSettings {
  const configPath = flags.config ?? path.join(stateDir(env), CONFIG_FILE_NAME);
  const file = readConfigFile(configPath, flags.config !== undefined);

  let configured: { ids: string[]; source: string } | undefined;
  const fromEnv = env[SUBSCRIPTIONS_ENV]?.trim();
  if (fromEnv) configured = { ids: checkIds(splitIds(fromEnv), SUBSCRIPTIONS_ENV), source: SUBSCRIPTIONS_ENV };
  else if (file?.allowedSubscriptions?.length) configured = { ids: checkIds(file.allowedSubscriptions, `${configPath}: allowedSubscriptions`), source: configPath };

  const fromFlags = checkIds((flags.subscription ?? []).flatMap(splitIds), "--subscription");
  let subscriptions: string[];
  let allowlistSource: string;
  if (fromFlags.length > 0 && configured) {
    const allowed = new Set(configured.ids.map((id) => id.toLowerCase()));
    const outside = fromFlags.filter((id) => !allowed.has(id.toLowerCase()));
    if (outside.length > 0) {
      throw new UserInputError(`--subscription ${outside[0]} is not on the allowlist from ${configured.source}; --subscription can only narrow it`);
    }
    subscriptions = fromFlags;
    allowlistSource = `--subscription (within ${configured.source})`;
  } else if (fromFlags.length > 0) {
    subscriptions = fromFlags;
    allowlistSource = "--subscription";
  } else if (configured) {
    subscriptions = configured.ids;
    allowlistSource = configured.source;
  } else {
    throw new UserInputError(
      `no subscription is allowed for cleanup: pass --subscription <id>, set ${SUBSCRIPTIONS_ENV}, or list allowedSubscriptions in ${configPath}`,
    );
  }

  const grace = spanSetting("--grace", flags.grace, `${configPath}: grace`, file?.grace, DEFAULT_GRACE, "1h, 30m, 2d, 1h30m or 0");
  const groupWait = spanSetting("--group-wait", flags.groupWait, `${configPath}: groupWait`, file?.groupWait, DEFAULT_GROUP_WAIT, "20m, 45m or 1h");
  const max = flags.max !== undefined ? parseMax(flags.max) : (file?.max ?? DEFAULT_MAX_DELETES);
  return {
    subscriptions,
    allowlistSource,
    graceMs: grace.ms,
    grace: grace.text,
    groupWaitMs: groupWait.ms,
    max,
    protectedNamePatterns: [...DEFAULT_PROTECTED_NAME_PATTERNS, ...(file?.protectedNamePatterns ?? [])],
  };
}

/** A span from its flag, else the config file, else the default; a bad value is named where it was written. */
function spanSetting(flag: string, flagValue: string | undefined, fileKey: string, fileValue: string | undefined, fallback: string, examples: string): { text: string; ms: number } {
  const [where, text] = flagValue !== undefined ? [flag, flagValue] : fileValue !== undefined ? [fileKey, fileValue] : [flag, fallback];
  const ms = parseSpan(text);
  if (ms === undefined) throw new UserInputError(`${where} '${text}' is not a duration; use e.g. ${examples}`);
  return { text, ms };
}
