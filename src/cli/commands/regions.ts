import { randomInt } from "node:crypto";
import { OperationFailedError, UserInputError } from "../../errors";
import { progressBar } from "../output-mode";
import { noEligibleReport, selectionJson, selectionReport } from "../../regions/render";
import { selectRegions } from "../../regions/regions-report";
import type { LiveSignals } from "../../regions/select";
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

export async function runRegions(options: RegionsOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const outcome = await selectRegions({ ...options, seed: parseSeed(options.seed) }, readLive, env);
  const { snapshot, source, demand, seed } = outcome;
  if (outcome.savedTo) process.stderr.write(`wrote the signals to ${outcome.savedTo}\n`);
  if ("result" in outcome) {
    const { result } = outcome;
    if (options.json) process.stdout.write(`${JSON.stringify(selectionJson(snapshot, source, demand, seed, { result }), null, 2)}\n`);
    else process.stdout.write(selectionReport(result, snapshot, source, demand));
    return;
  }
  const error = outcome.noEligible;
  const verdicts = error.verdictsByNodeType[demand.nodeTypes[0]!] ?? [];
  if (options.json) {
    const failure = { error: error.message, nodeTypesTried: error.nodeTypesTried, notes: error.notes, verdicts };
    process.stdout.write(`${JSON.stringify(selectionJson(snapshot, source, demand, seed, failure), null, 2)}\n`);
  } else {
    process.stdout.write(noEligibleReport(verdicts, snapshot, source, demand, { seed, notes: error.notes, nodeTypesTried: error.nodeTypesTried, message: error.message }));
  }
  throw new OperationFailedError(error.message);
}

/** The region decision `mlflow-lab plan` shows: region selection on live signals, else the bundled example. */
export function planRegionDecider(): RegionDecider {
  return planRegionDeciderFromSelection(readLive);
}
