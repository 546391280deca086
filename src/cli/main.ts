import { Command, CommanderError } from "commander";
import { exitCodeFor } from "./errors";
import { failureMessage } from "./failure-message";
import { maskSecretsIn, setJsonOutput } from "./output-mode";
import { redactSecrets } from "../secrets/redact";
import { registerCommands } from "./commands";

/**
 * `mlflow-lab`: one CLI for the lab toolkit. Each command lives in its own file under ./commands and
 * registers itself on the program; this file only wires up parsing, output mode and exit codes.
 */

const VERSION = (require("../../package.json") as { version: string }).version;

/**
 * Commander's usage errors as one line: "(Did you mean --stack?)" joins the message, and the line ends
 * with where to see what is accepted.
 */
export function usageErrorLine(text: string, commandPath: string): string {
  const [first = "", ...rest] = text.trim().split(/\n+/).map((line) => line.trim()).filter(Boolean);
  let line = first;
  for (const more of rest) {
    const suggestion = /^\(Did you mean (.+)\?\)$/.exec(more);
    line += suggestion ? `; did you mean ${suggestion[1]}?` : ` ${more}`;
  }
  return `${line} (see '${commandPath} --help')\n`;
}

function oneLineUsageErrors(command: Command, commandPath: string): void {
  command.configureOutput({ outputError: (text, write) => write(usageErrorLine(text, commandPath)) });
}

export function buildProgram(): Command {
  const program = new Command("mlflow-lab")
    .description("MLflow-on-Azure lab environments: plan, regions, deploy, push-model, score, teardown, cleanup")
    // -V only: a long --version here would be taken from any position, so `push-model --version 3` would
    // print the toolkit's version and push nothing; --version belongs to push-model.
    .version(VERSION, "-V", "print the mlflow-lab version")
    .showHelpAfterError(false)
    .exitOverride();
  registerCommands(program);
  oneLineUsageErrors(program, "mlflow-lab");
  for (const command of program.commands) {
    oneLineUsageErrors(command, `mlflow-lab ${command.name()}`);
    for (const sub of command.commands) oneLineUsageErrors(sub, `mlflow-lab ${command.name()} ${sub.name()}`);
  }
  // Progress is for people: the command's --json turns it off everywhere (see output-mode.ts).
  program.hook("preAction", (_program, action) => setJsonOutput(action.opts().json === true));
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Whatever a command or a lower layer writes to stderr is masked, not only the final error line.
  const unmask = maskSecretsIn(process.stderr);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed its message (usage errors) or the help/version text. `--help`,
      // `help <command>` and `-V` succeed; everything else it rejects is bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`error: ${failureMessage(error)}\n`);
    if (process.env.MLFLOW_LAB_DEBUG && error instanceof Error && error.stack) {
      process.stderr.write(`${redactSecrets(error.stack)}\n`);
    }
    return exitCodeFor(error);
  } finally {
    setJsonOutput(false);
    unmask();
  }
}

if (require.main === module || process.argv[1]?.endsWith("mlflow-lab")) {
  // A failure outside the awaited chain (a stray rejected promise, a throw in a callback) still ends
  // as one line and exit 1, not Node's stack trace.
  const crash = (error: unknown) => {
    process.stderr.write(`error: ${failureMessage(error)}\n`);
    if (process.env.MLFLOW_LAB_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${redactSecrets(error.stack)}\n`);
    process.exit(1);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, crash);
}
