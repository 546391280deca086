import { Command } from "commander";
import { createArmClient } from "../../azure/arm-client";
import { systemClock } from "../../azure/clock";
import { runCleanup, type CleanupProgress } from "../../cleanup/executor";
import { renderGroupTable, renderItemTable, summaryLine, type CleanupReport } from "../../cleanup/results";
import { resolveRunMode } from "../../cleanup/run-guards";
import { resolveCleanupSettings, SUBSCRIPTIONS_ENV } from "../../cleanup/settings";
import { formatSpan } from "../../config/duration";
import { OperationFailedError } from "../errors";

interface CleanupCommandOptions {
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

export function register(program: Command): void {
  program
    .command("cleanup")
    .description("delete expired lab resource groups in the allowed subscriptions (dry run unless --yes), then purge their soft-deleted items")
    .option("--subscription <id...>", `allowed subscription(s); narrows ${SUBSCRIPTIONS_ENV} or the config file's list when one is set`)
    .option("--dry-run", "show what would be deleted and why (the default without --yes)")
    .option("--yes", "delete for real")
    .option("--grace <duration>", "leave groups alone this long after lab-expires-at (e.g. 1h, 30m, 2d)")
    .option("--max <n>", "abort before deleting anything when more groups than this would be deleted (default 100)")
    .option("--config <file>", "cleanup config file (default: cleanup.yaml in the state directory)")
    .option("--json", "print the report as JSON on stdout (no table, no progress)")
    .action(async (options: CleanupCommandOptions) => runCleanupCommand(options));
}
