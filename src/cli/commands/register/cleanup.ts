import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { CleanupCommandOptions } from "../cleanup";

/**
 * SUBSCRIPTIONS_ENV of src/cleanup/settings.ts, spelled out: importing that module loads yaml and zod
 * (~0.2 s) at every start. test/unit/cli/lazy-commands.test.ts keeps the two equal.
 */
export const SUBSCRIPTIONS_ENV = "MLFLOW_LAB_CLEANUP_SUBSCRIPTIONS";

/** `mlflow-lab cleanup`: its options; the run module (../cleanup.ts) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("cleanup")
    .description("delete expired lab resource groups in the allowed subscriptions (dry run unless --yes), then purge their soft-deleted items")
    .option("--subscription <id...>", `allowed subscription(s); narrows ${SUBSCRIPTIONS_ENV} or the config file's list when one is set`)
    .option("--dry-run", "show what would be deleted and why (the default without --yes)")
    .option("--yes", "delete for real")
    .option("--grace <duration>", "leave groups alone this long after lab-expires-at (e.g. 1h, 30m, 2d)")
    .option("--group-wait <duration>", "wait at most this long for each group's delete, then report it as still deleting (default 20m)")
    .option("--max <n>", "abort before deleting anything when more groups than this would be deleted (default 100)")
    .option("--config <file>", "cleanup config file (default: cleanup.yaml in the state directory)")
    .option("--json", "print the report as JSON on stdout (no table, no progress)")
    .action(async (options: CleanupCommandOptions) => {
      const { runCleanupCommand } = await loadModule<typeof import("../cleanup")>(() => require("../cleanup"), () => import("../cleanup"));
      await runCleanupCommand(options);
    });
}
