import type { Command } from "commander";
import { loadModule } from "../../lazy-module";
import type { ClassCommandOptions } from "../class";

const loadClass = () => loadModule<typeof import("../class")>(() => require("../class"), () => import("../class"));

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options every class subcommand takes. */
function common(command: Command): Command {
  return command
    .requiredOption("--roster <file>", "CSV with a header: learner (UPN or email) required; objectId, subscription, region optional")
    .option("--stack <stack>", "the lab preset every learner gets (lab, course, full, serverless) or a path to a Pulumi.<stack>.yaml", "lab")
    .option("--class <id>", "class id for tags, stacks and files (default: from the roster's file name)")
    .option("--subscription <id>", "a subscription the class may use (repeat for several; the roster's column adds more)", collect)
    .option("--json", "print the result as JSON on stdout (no table, no progress)");
}

function layout(command: Command): Command {
  return command
    .option("--layout <layout>", "per-learner (one lab each) or shared (one workspace per group of learners)", "per-learner")
    .option("--per-workspace <k>", "shared layout: learners per workspace")
    .option("--geography <name>", "keep learners in this geography while it has room (Europe, US, Asia Pacific, ... or a region)")
    .option("--seed <seed>", "seed for the spread over near-equal regions (default: the class id, so every run and shard agrees)");
}

/**
 * `mlflow-lab class plan|up|status|down`: a whole class's labs. Registration only; the run module
 * (../class.ts) is loaded when a subcommand runs.
 */
export function register(program: Command): void {
  const group = program.command("class").description("give a whole class its labs, spread over regions by quota, and take them away again");

  layout(common(group.command("plan")))
    .description("assign every learner a subscription, region and node type within quota; print the table and the class's cost per hour")
    .option("--from-snapshot <file>", "signals of one subscription written by 'regions --save-snapshot' (repeat, one per subscription)", collect)
    .option("--prices <mode>", "auto (live Retail Prices API, else cache, else bundled), live, or bundled", "auto")
    .action(async (options: ClassCommandOptions) => {
      await (await loadClass()).runClassPlan(options);
    });

  layout(common(group.command("up")))
    .description("deploy the plan: bounded and paced, failover per learner, access per learner, resumable; writes the class roster")
    .option("--from-snapshot <file>", "plan on these signals instead of live ones (repeat, one per subscription)", collect)
    .option("--plan <file>", "deploy this plan (written by 'class plan --json') instead of planning again")
    .option("--shards <n>", "split the class into N shards (stable by learner)")
    .option("--shard <i>", "deploy only shard I of N (1-based)")
    .option("--concurrency <n>", "labs deploying at once (default 8)")
    .option("--owner <upn>", "shared layout: who owns the workspaces (default: the signed-in identity)")
    .option("--out <dir>", "where to write <class>.roster.csv and .json (default: the current folder)", ".")
    .option("--prices <mode>", "auto, live or bundled (for the cost line)", "auto")
    .action(async (options: ClassCommandOptions) => (await loadClass()).runClassUp(options));

  common(group.command("status"))
    .description("every learner's lab as Azure has it now (not only local state)")
    .option("--layout <layout>", "per-learner or shared (as the class was deployed)", "per-learner")
    .option("--per-workspace <k>", "shared layout: learners per workspace (as the class was deployed)")
    .action(async (options: ClassCommandOptions) => (await loadClass()).runClassStatus(options));

  common(group.command("down"))
    .description("tear down every lab tagged with this class (dry run unless --yes), with teardown's safety rules")
    .option("--layout <layout>", "per-learner or shared (as the class was deployed)", "per-learner")
    .option("--per-workspace <k>", "shared layout: learners per workspace (as the class was deployed)")
    .option("--dry-run", "show what would be deleted (the default without --yes)")
    .option("--yes", "delete for real")
    .option("--concurrency <n>", "labs torn down at once (default 8)")
    .action(async (options: ClassCommandOptions) => (await loadClass()).runClassDown(options));
}
