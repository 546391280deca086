import { createHash } from "node:crypto";
import * as path from "node:path";
import { UserInputError } from "../errors";
import { SUFFIX_LENGTH } from "../config/suffix";
import type { Learner } from "./roster";

/**
 * What a class deploys, as pure data: the class id, and its units. A unit is one lab stack: one learner
 * (layout per-learner) or a group of up to K learners sharing one workspace (layout shared). Everything
 * a unit is called (stack, suffix, resource group) is derived from the class id and the unit's key, so a
 * re-run, another shard or `class status` after the local state is gone finds the same lab again.
 */

export type Layout = "per-learner" | "shared";

export interface ClassUnit {
  /** Stable within the class: the learner (lower case), or `ws-001`. */
  key: string;
  learners: Learner[];
  /** A learner's `subscription` column: the unit must go there. */
  subscription?: string;
  /** A learner's `region` column: preferred when eligible and roomy. */
  region?: string;
}

/** Class ids go into tag values, stack names and file names: lower case letters, digits and '-'. */
export const CLASS_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function parseClassId(text: string, flag = "--class"): string {
  if (!CLASS_ID_PATTERN.test(text)) {
    throw new UserInputError(`${flag} '${text}' is not a class id; use 1-40 lower-case letters, digits and '-' (e.g. ml101-2026)`);
  }
  return text;
}

/** `--class` when given, else the roster's file name ("ML 101 (spring).csv" → "ml-101-spring"). */
export function classIdFor(explicit: string | undefined, rosterFile: string): string {
  if (explicit !== undefined) return parseClassId(explicit);
  const base = path.basename(rosterFile).replace(/\.[^.]*$/, "");
  const slug = base.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  if (!slug) throw new UserInputError(`roster file name ${rosterFile} gives no class id; pass --class <id> (lower-case letters, digits and '-')`);
  return slug;
}

export interface LayoutOptions {
  layout: Layout;
  /** shared only: learners per workspace. */
  perWorkspace?: number;
}

export function parseLayout(layout: string | undefined, perWorkspace: string | undefined): LayoutOptions {
  const name = (layout ?? "per-learner").toLowerCase();
  if (name !== "per-learner" && name !== "shared") throw new UserInputError(`--layout '${layout}' is not a layout; use per-learner or shared`);
  if (name === "per-learner") {
    if (perWorkspace !== undefined) throw new UserInputError("--per-workspace goes with --layout shared (per-learner gives every learner a workspace)");
    return { layout: "per-learner" };
  }
  if (perWorkspace === undefined) throw new UserInputError("--layout shared needs --per-workspace K (learners per workspace, e.g. 10)");
  if (!/^\d{1,3}$/.test(perWorkspace) || Number(perWorkspace) < 1 || Number(perWorkspace) > 100) {
    throw new UserInputError(`--per-workspace '${perWorkspace}' is not a whole number from 1 to 100`);
  }
  return { layout: "shared", perWorkspace: Number(perWorkspace) };
}

/**
 * The units of a class. Shared workspaces are filled in roster order, separately for learners with
 * different subscription or region columns (a workspace sits in one of each), so appending learners to
 * the roster never moves anyone already placed.
 */
export function classUnits(learners: readonly Learner[], options: LayoutOptions): ClassUnit[] {
  if (options.layout === "per-learner") {
    return learners.map((l) => ({
      key: l.learner.toLowerCase(),
      learners: [l],
      ...(l.subscription ? { subscription: l.subscription } : {}),
      ...(l.region ? { region: l.region } : {}),
    }));
  }
  const k = options.perWorkspace ?? 1;
  const partitions = new Map<string, Learner[]>();
  for (const learner of learners) {
    const key = `${learner.subscription ?? ""}|${learner.region ?? ""}`;
    partitions.set(key, [...(partitions.get(key) ?? []), learner]);
  }
  const units: ClassUnit[] = [];
  for (const members of partitions.values()) {
    for (let i = 0; i < members.length; i += k) {
      const group = members.slice(i, i + k);
      units.push({
        key: `ws-${String(units.length + 1).padStart(3, "0")}`,
        learners: group,
        ...(group[0]!.subscription ? { subscription: group[0]!.subscription } : {}),
        ...(group[0]!.region ? { region: group[0]!.region } : {}),
      });
    }
  }
  return units;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The unit's lab suffix (msl-<suffix>): the same on every machine and every run. */
export function unitSuffix(classId: string, unitKey: string): string {
  const bytes = digest(`azure-mlflow-lab/class\n${classId}\n${unitKey}`);
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHABET[bytes[i]! % ALPHABET.length];
  return suffix;
}

/** The unit's stack name: the class id and something a person recognises, made unique by the suffix. */
export function unitStack(classId: string, unitKey: string): string {
  const readable = unitKey.split("@")[0]!.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 24) || "unit";
  return `${classId}-${readable}-${unitSuffix(classId, unitKey).slice(0, 4)}`;
}

/** Which of `shards` shards deploys the unit (0-based): by a hash of its key, so it never moves. */
export function shardOf(unitKey: string, shards: number): number {
  return digest(`shard\n${unitKey}`).readUInt32BE(0) % shards;
}

export interface ShardOptions {
  shards: number;
  /** 1-based, as people count. */
  shard: number;
}

export function parseShards(shards: string | undefined, shard: string | undefined): ShardOptions {
  if (shards === undefined && shard === undefined) return { shards: 1, shard: 1 };
  if (shards === undefined || shard === undefined) throw new UserInputError("--shards N and --shard I go together (e.g. --shards 4 --shard 2)");
  if (!/^\d{1,3}$/.test(shards) || Number(shards) < 1) throw new UserInputError(`--shards '${shards}' is not a whole number of at least 1`);
  if (!/^\d{1,3}$/.test(shard) || Number(shard) < 1 || Number(shard) > Number(shards)) throw new UserInputError(`--shard '${shard}' is not a whole number from 1 to ${shards}`);
  return { shards: Number(shards), shard: Number(shard) };
}

export function inShard(unitKey: string, options: ShardOptions): boolean {
  return shardOf(unitKey, options.shards) === options.shard - 1;
}
