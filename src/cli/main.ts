import { Command, CommanderError } from "commander";
import { exitCodeFor, oneLine } from "./errors";
import { registerCommands } from "./commands";

/**
 * `mlflow-lab`: one CLI for the lab toolkit. Each command lives in its own file under ./commands and
 * registers itself on the program; this file only wires up parsing and exit codes.
 */
export function buildProgram(): Command {
  const program = new Command("mlflow-lab")
    .description("MLflow-on-Azure lab environments: plan, regions, deploy, push-model, score, teardown, cleanup")
    .showHelpAfterError(false)
    .exitOverride();
  registerCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed its message (usage errors, --help, --version).
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return 0;
      return 2;
    }
    process.stderr.write(`error: ${oneLine(error)}\n`);
    if (process.env.MLFLOW_LAB_DEBUG && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return exitCodeFor(error);
  }
}

if (require.main === module || process.argv[1]?.endsWith("mlflow-lab")) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${oneLine(error)}\n`);
      process.exitCode = 1;
    },
  );
}
