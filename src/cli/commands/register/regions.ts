import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { RegionsOptions } from "../regions";

const loadRegions = () => loadModule<typeof import("../regions")>(() => require("../regions"), () => import("../regions"));

/** `mlflow-lab regions`: its options; the run module (../regions.ts) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("regions")
    .description("evaluate every Azure region for the stack: quota, VM size, model serving, policy, providers; the choice on top")
    .option("--stack <stack>", "preset stack (lab, course, full, serverless) or a path to a Pulumi.<stack>.yaml", "lab")
    .option("--region <region>", "preferred region: chosen when it is eligible")
    .option("--geography <name>", "rank regions of this geography first (Europe, US, Asia Pacific, ... or a region whose geography is meant)")
    .option("--near <region>", "the region you are in: its geography ranks first unless --region or --geography says otherwise (setup passes Cloud Shell's)")
    .option("--node-type <size>", "VM size to try first (the stack's fallbacks follow)")
    .option("--subscription <id>", "subscription to read live signals from (default: the current one)")
    .option("--from-snapshot <file>", "evaluate a snapshot written by --save-snapshot instead of reading Azure")
    .option("--save-snapshot <file>", "write the raw signals used to this file")
    .option("--seed <n>", "seed for the tie-break among near-equal regions (default: random, printed)")
    .option("--json", "print the same data as JSON on stdout (no table, no progress)")
    .action(async (options: RegionsOptions) => {
      await (await loadRegions()).runRegions(options);
    });
}
