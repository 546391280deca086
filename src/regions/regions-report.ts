/**
 * `mlflow-lab regions` once its options are parsed: the stack's demand, the signals (live through the
 * caller's reader, or a saved snapshot), optionally saved, and the selection over them, or the reason no
 * region qualifies. The command prints what this returns.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../errors";
import { BlocklistStore, defaultBlocklistFile } from "./blocklist-store";
import type { Demand } from "./demand";
import { NoEligibleRegionError } from "./evaluate";
import { resolveSignals, runSelection, type LiveSignals } from "./select";
import { serializeSnapshot } from "./signals";
import { demandForStack } from "./stack-demand";
import { needsAzureMlQuota } from "./stack-vms";

export interface RegionsRequest {
  stack: string;
  region?: string;
  geography?: string;
  near?: string;
  nodeType?: string;
  saveSnapshot?: string;
  fromSnapshot?: string;
  subscription?: string;
  /** The tie-break seed (already checked). */
  seed: string;
}

type Resolved = Awaited<ReturnType<typeof resolveSignals>>;

export type RegionsOutcome = { demand: Demand; snapshot: Resolved["snapshot"]; source: Resolved["source"]; seed: string; savedTo?: string } & (
  | { result: ReturnType<typeof runSelection> }
  | { noEligible: NoEligibleRegionError }
);

function checkWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  const problem = !fs.existsSync(folder) ? "its folder does not exist" : fs.existsSync(file) && fs.statSync(file).isDirectory() ? "it is a folder" : undefined;
  if (problem) throw new UserInputError(`--save-snapshot ${file} cannot be written (${problem}); give a file path in a folder you can write to`);
}

export async function selectRegions(options: RegionsRequest, live: LiveSignals, env: NodeJS.ProcessEnv = process.env): Promise<RegionsOutcome> {
  const { seed } = options;
  const { demand } = demandForStack(options.stack, { region: options.region, nodeType: options.nodeType, geography: options.geography, near: options.near });
  // Checked before the live read, which takes a while: a typo in the path should not cost it.
  if (options.saveSnapshot) checkWritable(options.saveSnapshot);
  const { snapshot, source } = await resolveSignals({
    fromSnapshot: options.fromSnapshot,
    subscription: options.subscription,
    env,
    live,
    azureMlUsages: needsAzureMlQuota(demand.stackVms),
  });

  if (options.saveSnapshot) {
    try {
      fs.writeFileSync(options.saveSnapshot, serializeSnapshot(snapshot));
    } catch (error) {
      throw new UserInputError(`--save-snapshot ${options.saveSnapshot} cannot be written (${(error as NodeJS.ErrnoException).code ?? "error"}); give a file path in a folder you can write to`);
    }
  }

  const blocklist = new BlocklistStore(defaultBlocklistFile(env)).load();
  const base = { demand, snapshot, source, seed, ...(options.saveSnapshot ? { savedTo: options.saveSnapshot } : {}) };
  try {
    return { ...base, result: runSelection(snapshot, demand, { seed, blocklist, env }) };
  } catch (error) {
    if (!(error instanceof NoEligibleRegionError)) throw error;
    return { ...base, noEligible: error };
  }
}
