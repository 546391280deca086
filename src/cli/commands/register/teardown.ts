import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { TeardownCommandOptions } from "../teardown";

/** `mlflow-lab teardown`: its options; the run module (../teardown.ts) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("teardown")
    .description("take one lab down: serving endpoints, pulumi destroy, purge of its soft-deleted items, and a check that its groups are gone (dry run unless --yes)")
    .option("--stack <stack>", "the lab's stack (lab, course, full or another stack name)", "lab")
    .option("--subscription <id>", "the lab's subscription (default: the stack's azure-native:subscriptionId or AZURE_SUBSCRIPTION_ID)")
    .option("--dry-run", "show what would be done (the default without --yes)")
    .option("--yes", "tear the lab down for real")
    .option("--json", "print the report as JSON on stdout (no table, no progress)")
    .action(async (options: TeardownCommandOptions) => {
      const { runTeardownCommand } = await loadModule<typeof import("../teardown")>(() => require("../teardown"), () => import("../teardown"));
      await runTeardownCommand(options);
    });
}
