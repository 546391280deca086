import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureCliOutput } from "../../support/cli-output";
import { buildProgram, main } from "../../../src/cli/main";
import { projectRoot } from "../../../src/config/stack-settings";

/**
 * What a user sees when they mistype: commander's own errors as one line that says where to look,
 * exit 2; help and version exit 0.
 */
const stdio = captureCliOutput();

const cases: Array<[string[], RegExp]> = [
  [["plan", "--bogus"], /^error: unknown option '--bogus' \(see 'mlflow-lab plan --help'\)\n$/],
  [["plan", "--stak", "lab"], /^error: unknown option '--stak'; did you mean --stack\? \(see 'mlflow-lab plan --help'\)\n$/],
  [["plna"], /^error: unknown command 'plna'; did you mean plan\? \(see 'mlflow-lab --help'\)\n$/],
  [["score", "--url", "http://127.0.0.1:1"], /^error: required option '--data <file>' not specified \(see 'mlflow-lab score --help'\)\n$/],
  [["score", "--data"], /^error: option '--data <file>' argument missing \(see 'mlflow-lab score --help'\)\n$/],
  [["score", "--data", "x.csv", "--format", "bogus"], /^error: option '--format <format>' argument 'bogus' is invalid\. Allowed choices are split, records, instances\. \(see 'mlflow-lab score --help'\)\n$/],
  [["push-model", "./model"], /^error: required option '--name <model>' not specified \(see 'mlflow-lab push-model --help'\)\n$/],
  [["push-model", "--name", "m"], /^error: missing required argument 'source' \(see 'mlflow-lab push-model --help'\)\n$/],
  [["teardown", "extra"], /^error: too many arguments for 'teardown'\. .* \(see 'mlflow-lab teardown --help'\)\n$/],
];

describe("commander's usage errors", () => {
  it.each(cases)("%j: one line naming the problem and where the options are listed, exit 2", async (args, expected) => {
    expect(await main(args)).toBe(2);
    expect(stdio.err).toMatch(expected);
    expect(stdio.out).toBe("");
  });
});

describe("help and version", () => {
  it("--help, help <command> and <command> --help print help on stdout and exit 0", async () => {
    expect(await main(["--help"])).toBe(0);
    expect(stdio.out).toMatch(/Usage: mlflow-lab \[options\] \[command\]/);
    for (const args of [["help", "teardown"], ["teardown", "--help"]]) {
      stdio.out = "";
      expect(await main(args)).toBe(0);
      expect(stdio.out).toMatch(/Usage: mlflow-lab teardown \[options\]/);
    }
    expect(stdio.err).toBe("");
  });

  it("-V prints the package version and exits 0; --version is push-model's, not the root command's", async () => {
    expect(await main(["-V"])).toBe(0);
    expect(stdio.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
    stdio.out = "";
    expect(await main(["--version"])).toBe(2);
    expect(stdio.err).toBe("error: unknown option '--version' (see 'mlflow-lab --help')\n");
    expect(stdio.out).toBe("");
  });

  it("every command names the same thing the same way: --stack <stack>, --subscription <id>, --json on stdout", () => {
    const program = buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual(["class", "cleanup", "deploy", "help", "plan", "push-model", "regions", "score", "teardown"].filter((n) => n !== "help"));
    // A command group (class) is checked through its subcommands.
    for (const command of program.commands.flatMap((c) => (c.commands.length > 0 ? c.commands : [c]))) {
      const option = (long: string) => command.options.find((o) => o.long === long);
      expect(option("--json")?.description, command.name()).toMatch(/as JSON/);
      if (option("--stack")) expect(option("--stack")!.flags, command.name()).toBe("--stack <stack>");
      if (option("--subscription")) expect(option("--subscription")!.flags, command.name()).toMatch(/^--subscription <id(\.\.\.)?>$/);
      // One style for the command list: a lower-case first word, like commander's own "display help".
      expect(command.description(), command.name()).toMatch(/^[a-z]/);
    }
  });
});

describe("as a process", { timeout: 60_000 }, () => {
  function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const root = projectRoot();
    return new Promise((resolve) => {
      execFile(process.execPath, [path.join(root, "scripts", "mlflow-lab"), ...args], { cwd: root, env: { ...process.env, MLFLOW_LAB_DEBUG: "", ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  it("a usage error exits 2 with one line and no stack trace; a bad file exits 2 naming it", async () => {
    const usage = await run(["cleanup", "--bogus"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("error: unknown option '--bogus' (see 'mlflow-lab cleanup --help')\n");
    const file = await run(["regions", "--from-snapshot", "/nonexistent/snapshot.json"]);
    expect(file.code).toBe(2);
    expect(file.stderr.trim().split("\n")).toHaveLength(1);
    expect(file.stderr).toContain("/nonexistent/snapshot.json");
    expect(file.stderr).not.toMatch(/\n\s+at /);
  });
});
