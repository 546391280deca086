import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { runCleanup, type CleanupProgress } from "../../cleanup/executor";
import { renderGroupTable, renderItemTable, summaryLine, type CleanupReport } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { resolveCleanupSettings } from "../../cleanup/settings";
import { formatSpan } from "../../config/duration";
import { OperationFailedError } from "../errors";
import { progressBar } from "../output-mode";

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

/** One bar per phase (scan, delete, purge), for people at a terminal; scripts and CI get plain output. */
function phaseProgress(): ((event: CleanupProgress) => void) | undefined {
  const bar = progressBar({ format: "{phase} {bar} {value}/{total}", shades: true });
  if (!bar) return undefined;
  let phase = "";
  let purged = false;
  return (event) => {
    if (event.phase !== phase) {
      bar.stop();
      phase = event.phase;
    } else if (purged) {
      return;
    }
    bar.update(event.done, Math.max(event.total, 1), { phase: event.phase.padEnd(8) });
    if (event.phase === "purge" && event.done >= event.total) {
      bar.stop();
      purged = true;
    }
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
      onProgress: options.json ? undefined : phaseProgress(),
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
