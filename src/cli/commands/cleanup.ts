import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { runCleanup, type CleanupProgress } from "../../cleanup/executor";
import { renderGroupTable, renderItemTable, summaryLine, type CleanupReport } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { resolveCleanupSettings } from "../../cleanup/settings";
import { formatSpan } from "../../config/duration";
import { OperationFailedError } from "../errors";

/** `mlflow-lab cleanup`: what runs once the command is chosen (options: ./register/cleanup.ts). */
export interface CleanupCommandOptions {
  subscription?: string[];
  dryRun?: boolean;
  yes?: boolean;
  grace?: string;
  max?: string;
  json?: boolean;
  config?: string;
}

function progressBar(): ((event: CleanupProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  // Loaded only for people at a terminal; scripts and CI get plain output.
  const { SingleBar, Presets } = require("cli-progress") as typeof import("cli-progress");
  const bar = new SingleBar({ format: "{phase} {bar} {value}/{total}", clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
  let phase = "";
  return (event) => {
    if (event.phase !== phase) {
      if (phase) bar.stop();
      phase = event.phase;
      bar.start(Math.max(event.total, 1), event.done, { phase: event.phase.padEnd(8) });
    } else {
      bar.update(event.done);
    }
    if (event.phase === "purge" && event.done >= event.total) bar.stop();
  };
}

export function printReport(report: CleanupReport, header: string): void {
  process.stdout.write(`${header}\n`);
  if (report.groups.length > 0) process.stdout.write(`${renderGroupTable(report.groups)}\n`);
  else process.stdout.write("no lab resource groups found\n");
  if (report.items.length > 0) process.stdout.write(`${renderItemTable(report.items)}\n`);
  process.stdout.write(`${summaryLine(report)}\n`);
  if (report.throttled.reads + report.throttled.deletes > 0) {
    process.stdout.write(`ARM throttled ${report.throttled.reads + report.throttled.deletes} request(s); each was sent again after its Retry-After\n`);
  }
}

export async function runCleanupCommand(options: CleanupCommandOptions): Promise<void> {
  const mode = resolveRunMode(options);
  const settings = resolveCleanupSettings(options);
  const client = createArmClient({ maxConcurrency: 64 });
  const report = await runCleanup(
    { client, clock: systemClock },
    {
      subscriptions: settings.subscriptions,
      mode,
      graceMs: settings.graceMs,
      max: settings.max,
      protectedNamePatterns: settings.protectedNamePatterns,
      onProgress: options.json ? undefined : progressBar(),
    },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const header =
      `cleanup (${mode === "dry-run" ? "dry run" : "deleting"}) in ${settings.subscriptions.length} subscription(s) from ${settings.allowlistSource}; ` +
      `grace ${formatSpan(settings.graceMs)}, at most ${settings.max} deletes`;
    printReport(report, header);
  }
  if (report.capExceeded) throw new OperationFailedError(`a real run would stop here: ${report.capExceeded}`);
  if (report.failed) throw new OperationFailedError(`cleanup finished with failures (${report.counts.failed} group(s)); see the table`);
}
