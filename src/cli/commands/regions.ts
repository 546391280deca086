import * as fs from "node:fs";
import * as path from "node:path";
import { randomInt } from "node:crypto";
import { OperationFailedError, UserInputError } from "../../errors";
import { progressBar } from "../output-mode";
import { BlocklistStore, defaultBlocklistFile } from "../../regions/blocklist-store";
import { NoEligibleRegionError } from "../../regions/evaluate";
import { noEligibleReport, selectionJson, selectionReport } from "../../regions/render";
import { resolveSignals, runSelection, type LiveSignals } from "../../regions/select";
import { serializeSnapshot } from "../../regions/signals";
import { demandForStack } from "../../regions/stack-demand";
import { needsAzureMlQuota } from "../../regions/stack-vms";
import type { RegionDecider } from "../../plan/region";
import { planRegionDeciderFromSelection } from "../../regions/plan-decider";

/**
 * `mlflow-lab regions`: every region with its verdict and reasons, the choice on top (options:
 * ./register/regions.ts).
 */
export interface RegionsOptions {
  stack: string;
  region?: string;
  geography?: string;
  near?: string;
  nodeType?: string;
  json?: boolean;
  saveSnapshot?: string;
  fromSnapshot?: string;
  seed?: string;
  subscription?: string;
}

export function parseSeed(text: string | undefined): string {
  if (text === undefined) return String(randomInt(0, 2 ** 31 - 1));
  if (!/^\d{1,15}$/.test(text)) throw new UserInputError(`--seed '${text}' is not a whole number; use e.g. --seed 42`);
  return text;
}

/** Live signals, loaded on demand so `regions --from-snapshot` does not pay for the Azure SDK's start-up. */
export const readLive: LiveSignals = async (request) => {
  // require, not import(): the CLI runs as CommonJS through tsx, which compiles .ts modules on require.
  const { readLiveSignals } = require("../../regions/sources/live") as typeof import("../../regions/sources/live");
  const bar = progressBar({ format: "reading regions {bar} {value}/{total}", shades: true });
  try {
    return await readLiveSignals({ ...request, onProgress: (done, total) => bar?.update(done, total) });
  } finally {
    bar?.stop();
  }
};

function checkWritable(file: string): void {
  const folder = path.dirname(path.resolve(file));
  const problem = !fs.existsSync(folder) ? "its folder does not exist" : fs.existsSync(file) && fs.statSync(file).isDirectory() ? "it is a folder" : undefined;
  if (problem) throw new UserInputError(`--save-snapshot ${file} cannot be written (${problem}); give a file path in a folder you can write to`);
}

export async function runRegions(options: RegionsOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const seed = parseSeed(options.seed);
  const { demand } = demandForStack(options.stack, { region: options.region, nodeType: options.nodeType, geography: options.geography, near: options.near });
  // Checked before the live read, which takes a while: a typo in the path should not cost it.
  if (options.saveSnapshot) checkWritable(options.saveSnapshot);
  const { snapshot, source } = await resolveSignals({
    fromSnapshot: options.fromSnapshot,
    subscription: options.subscription,
    env,
    live: readLive,
    azureMlUsages: needsAzureMlQuota(demand.stackVms),
  });

  if (options.saveSnapshot) {
    try {
      fs.writeFileSync(options.saveSnapshot, serializeSnapshot(snapshot));
    } catch (error) {
      throw new UserInputError(`--save-snapshot ${options.saveSnapshot} cannot be written (${(error as NodeJS.ErrnoException).code ?? "error"}); give a file path in a folder you can write to`);
    }
    process.stderr.write(`wrote the signals to ${options.saveSnapshot}\n`);
  }

  const blocklist = new BlocklistStore(defaultBlocklistFile(env)).load();
  try {
    const result = runSelection(snapshot, demand, { seed, blocklist, env });
    if (options.json) process.stdout.write(`${JSON.stringify(selectionJson(snapshot, source, demand, seed, { result }), null, 2)}\n`);
    else process.stdout.write(selectionReport(result, snapshot, source, demand));
  } catch (error) {
    if (!(error instanceof NoEligibleRegionError)) throw error;
    const verdicts = error.verdictsByNodeType[demand.nodeTypes[0]!] ?? [];
    if (options.json) {
      const outcome = { error: error.message, nodeTypesTried: error.nodeTypesTried, notes: error.notes, verdicts };
      process.stdout.write(`${JSON.stringify(selectionJson(snapshot, source, demand, seed, outcome), null, 2)}\n`);
    } else {
      process.stdout.write(noEligibleReport(verdicts, snapshot, source, demand, { seed, notes: error.notes, nodeTypesTried: error.nodeTypesTried, message: error.message }));
    }
    throw new OperationFailedError(error.message);
  }
}

/** The region decision `mlflow-lab plan` shows: region selection on live signals, else the bundled example. */
export function planRegionDecider(): RegionDecider {
  return planRegionDeciderFromSelection(readLive);
}
