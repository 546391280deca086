import { Option, type Command } from "commander";
import { loadModule } from "../../lazy-module";
import { ENDPOINT_KINDS, PAYLOAD_FORMATS } from "../../../scoring/payload";
import type { ScoreOptions } from "../score";

/** `mlflow-lab score`: its options; the run module (../score.ts) is loaded when the command runs. */
export function register(program: Command): void {
  program
    .command("score")
    .description("score rows (CSV with a header, or JSON) against an endpoint and print the predictions next to the inputs")
    .argument("[endpoint]", "endpoint name in the stack outputs (optional with --url)")
    .requiredOption("--data <file>", "input rows: file.csv, file.json, or - for stdin")
    .addOption(new Option("--format <format>", "MLflow payload shape (Azure ML online endpoints always take input_data)").choices([...PAYLOAD_FORMATS]))
    .option("--url <url>", "score this URL directly, e.g. a local `mlflow models serve` (http://127.0.0.1:5000)")
    .addOption(new Option("--kind <kind>", "endpoint kind with --url (default mlflow)").choices([...ENDPOINT_KINDS]))
    .option("--key-env <VAR>", "environment variable holding the endpoint key or token (sent as Bearer)")
    .option("--stack <stack>", "stack whose outputs name the endpoint")
    .option("--outputs <file>", "JSON of `pulumi stack output --json --show-secrets`")
    .option("--model <dir>", "model folder or MLmodel file: check and convert columns by its signature before sending")
    .option("--deployment <name>", "Azure ML: score this deployment regardless of traffic")
    .option("--timeout <seconds>", "request timeout in seconds", "60")
    .option("--json", "print the result as JSON on stdout (no table, no progress)")
    .action(async (endpoint: string | undefined, options: ScoreOptions) => {
      const { runScore } = await loadModule<typeof import("../score")>(() => require("../score"), () => import("../score"));
      await runScore(endpoint, options);
    });
}
