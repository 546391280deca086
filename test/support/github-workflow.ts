import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";
import { parse } from "yaml";

/**
 * Runs a GitHub Actions workflow's own shell steps on this machine, the way a runner does: `${{ … }}`
 * expressions evaluated by GitHub's expression library (@actions/expressions, from actions/
 * languageservices) against the contexts a test gives, `if:` conditions honoured, each `run:` written
 * to a file and run with `bash --noprofile --norc -eo pipefail` (the runner's `shell: bash`), the
 * workflow's, job's and step's `env:` set, and `$GITHUB_OUTPUT` read back into `steps.<id>.outputs`.
 * `uses:` steps (checkout, setup-node, azure/login, artifacts) are the runner's and GitHub's, not ours:
 * the test provides what they would (a checkout, Node, a signed-in ARM, files between jobs).
 */
export type Workflow = {
  env?: Record<string, string>;
  jobs: Record<string, WorkflowJob>;
};

export interface WorkflowJob {
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: WorkflowStep[];
}

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}

export function loadWorkflow(file: string): Workflow {
  return parse(fs.readFileSync(file, "utf8")) as Workflow;
}

/** The contexts an expression may read (inputs, vars, secrets, github, steps, needs, matrix, env). */
export type Contexts = Record<string, unknown>;

function toData(value: unknown): data.ExpressionData {
  return JSON.parse(JSON.stringify(value ?? null), data.reviver) as data.ExpressionData;
}

/** One expression (without `${{ }}`), evaluated as GitHub does. */
export function evaluate(expression: string, contexts: Contexts): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const names = Object.keys(contexts);
  const ast = new Parser(lexed.tokens, names, []).parse();
  const context = new data.Dictionary(...names.map((key) => ({ key, value: toData(contexts[key]) })));
  return new Evaluator(ast, context).evaluate();
}

/** An expression's value as plain JSON (a matrix from `fromJSON(…)`, say). */
export function evaluateJson(expression: string, contexts: Contexts): unknown {
  return JSON.parse(JSON.stringify(evaluate(expression, contexts), data.replacer));
}

/** Every `${{ … }}` in a string replaced by its value as a string. */
export function substitute(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_all, expression: string) => evaluate(expression.trim(), contexts).coerceString());
}

/** An `if:` condition (with or without `${{ }}`); absent is true. */
export function condition(text: string | undefined, contexts: Contexts): boolean {
  if (text === undefined) return true;
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  const value = evaluate(bare.trim(), contexts);
  return value.kind === data.Kind.Boolean ? (value as data.BooleanData).value : value.coerceString() !== "" && value.coerceString() !== "false" && value.coerceString() !== "0";
}

export function stepLabel(step: WorkflowStep): string {
  return step.name ?? step.uses ?? step.run!.split("\n")[0]!;
}

export interface StepResult {
  step: string;
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

/** `$GITHUB_OUTPUT` lines: `name=value`, or `name<<DELIM` … `DELIM` for several lines. */
export function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const multi = /^([^=<]+)<<(.+)$/.exec(line);
    if (multi) {
      const end = lines.indexOf(multi[2]!, i + 1);
      outputs[multi[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

export interface RunJobOptions {
  workflow: Workflow;
  job: string;
  /** The job's checkout: steps run here. */
  workspace: string;
  contexts: Contexts;
  /** The machine's environment under the workflow's (PATH, HOME, and what `uses:` steps would set up). */
  baseEnv: NodeJS.ProcessEnv;
  /** `run:` steps left to the runner (they download tools); each must be named here with why. */
  skip?: (step: WorkflowStep) => boolean;
  onStep?: (result: StepResult) => void;
}

export interface JobResult {
  ran: boolean;
  steps: StepResult[];
  outputs: Record<string, string>;
  failed?: StepResult;
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs one job's steps in order until one fails (as a runner does without `continue-on-error`). */
export async function runJob(options: RunJobOptions): Promise<JobResult> {
  const job = options.workflow.jobs[options.job];
  if (!job) throw new Error(`no job ${options.job}`);
  const contexts: Contexts = { ...options.contexts, steps: {} };
  if (!condition(job.if, contexts)) return { ran: false, steps: [], outputs: {} };
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.workflow.env ?? {})) env[key] = substitute(String(value), { ...contexts, env });
  for (const [key, value] of Object.entries(job.env ?? {})) env[key] = substitute(String(value), { ...contexts, env });
  const steps: StepResult[] = [];
  const scratch = fs.mkdtempSync(path.join(options.workspace, ".runner-"));
  try {
    for (const [index, step] of job.steps.entries()) {
      if (step.run === undefined || options.skip?.(step)) continue;
      const here = { ...contexts, env };
      if (!condition(step.if, here)) continue;
      if (step.shell !== undefined && step.shell !== "bash") throw new Error(`step ${stepLabel(step)}: shell ${step.shell} is not run here`);
      const stepEnv: Record<string, string> = { ...env };
      for (const [key, value] of Object.entries(step.env ?? {})) stepEnv[key] = substitute(String(value), here);
      const script = path.join(scratch, `step-${index}.sh`);
      fs.writeFileSync(script, substitute(step.run, here));
      const outputFile = path.join(scratch, `output-${index}`);
      fs.writeFileSync(outputFile, "");
      const result = await runBash(script, options.workspace, { ...options.baseEnv, ...stepEnv, GITHUB_OUTPUT: outputFile, GITHUB_WORKSPACE: options.workspace, CI: "true", GITHUB_ACTIONS: "true" });
      const outputs = readOutputs(fs.readFileSync(outputFile, "utf8"));
      const stepResult = { step: stepLabel(step), ...result, outputs };
      steps.push(stepResult);
      options.onStep?.(stepResult);
      if (step.id) (contexts.steps as Record<string, unknown>)[step.id] = { outputs, outcome: result.code === 0 ? "success" : "failure" };
      if (result.code !== 0) return { ran: true, steps, outputs: {}, failed: stepResult };
    }
    const outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([key, value]) => [key, substitute(value, { ...contexts, env })]));
    return { ran: true, steps, outputs };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
