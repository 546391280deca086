import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { runCleanup, type CleanupProgress } from "../../cleanup/executor";
import { renderGroupTable, renderItemTable, summaryLine, type CleanupReport } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { resolveCleanupSettings } from "../../cleanup/settings";
import { formatSpan } from "../../config/duration";
import { OperationFailedError } from "../../errors";
import { progressBar, useColor } from "../output-mode";

/** `mlflow-lab cleanup`: what runs once the command is chosen (options: ./register/cleanup.ts). */
export interface CleanupCommandOptions {
  subscription?: string[];
  dryRun?: boolean;
  yes?: boolean;
  grace?: string;
  groupWait?: string;
  max?: string;
  json?: boolean;
  config?: string;
}

/** "waiting on msl-abc 12m of 20m, msl-def 3m" for the groups whose delete is still running. */
export function waitingText(waiting: CleanupProgress["waiting"]): string {
  if (!waiting || waiting.length === 0) return "";
  const shown = waiting.slice(0, 2).map((w, i) => `${w.name} ${formatSpan(w.waitedMs)}${i === 0 ? ` of ${formatSpan(w.limitMs)}` : ""}`);
  const more = waiting.length > shown.length ? ` and ${waiting.length - shown.length} more` : "";
  return ` · waiting on ${shown.join(", ")}${more}`;
}

/**
 * One bar per phase (scan, delete, purge), for people at a terminal; scripts and CI get plain output.
 * While groups are being deleted it names the ones still running and how long each has waited.
 */
function phaseProgress(): ((event: CleanupProgress) => void) | undefined {
  const bar = progressBar({ format: "{phase} {bar} {value}/{total}{waiting}", shades: true });
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
    bar.update(event.done, Math.max(event.total, 1), { phase: event.phase.padEnd(8), waiting: waitingText(event.waiting) });
    if (event.phase === "purge" && event.done >= event.total) {
      bar.stop();
      purged = true;
    }
  };
}

export function printReport(report: CleanupReport, header: string): void {
  const color = useColor();
  process.stdout.write(`${header}\n`);
  if (report.groups.length > 0) process.stdout.write(`${renderGroupTable(report.groups, { color })}\n`);
  else process.stdout.write("no lab resource groups found\n");
  if (report.items.length > 0) process.stdout.write(`${renderItemTable(report.items, { color })}\n`);
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
      groupWaitMs: settings.groupWaitMs,
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
      `grace ${formatSpan(settings.graceMs)}, at most ${settings.max} deletes, waiting at most ${formatSpan(settings.groupWaitMs)} for each group`;
    printReport(report, header);
  }
  if (report.capExceeded) throw new OperationFailedError(`a real run would stop here: ${report.capExceeded}`);
  if (report.failed) {
    const stuck = report.counts["still-deleting"];
    const parts = [`${report.counts.failed} group(s) failed`, ...(stuck > 0 ? [`${stuck} still deleting after the ${formatSpan(settings.groupWaitMs)} wait`] : [])];
    throw new OperationFailedError(`cleanup finished with failures (${parts.join(", ")}); see the table`);
  }
}
