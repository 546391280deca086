import { OperationFailedError } from "../errors";
import { parseLabConfig, type LabConfig } from "../config/lab-config";
import { projectRoot, readStackSettings, type StackRef } from "../config/stack-settings";
import { estimateCostPerHour, type CostEstimate } from "./cost";
import { runLabProgram, type RecordedResource } from "./engine";
import { checkGuardrails, describeViolation, type Violation } from "./guardrails";
import { DEPLOY_TIME } from "./markers";
import { applyRegionDecision, decideRegionFromConfig, type RegionDecider, type RegionDecision } from "./region";

/**
 * The offline plan: what `mlflow-lab plan` shows and `--json` prints. The JSON has exactly these five
 * keys; everything in it is deterministic (no clock, no absolute paths), so two runs give the same bytes.
 */
export interface PlanResource {
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
}

export interface PlanJson {
  stack: string;
  /** `compute` says what runs the notebook; nodeType only matters for `classic`. */
  region: { name: string; nodeType: string; compute: LabConfig["compute"]; source: RegionDecision["source"]; reasons: string[] };
  resources: PlanResource[];
  outputs: Record<string, unknown>;
  costPerHour: CostEstimate;
}

export interface Plan {
  json: PlanJson;
  config: LabConfig;
  /** Things a person should know that are not part of the JSON (e.g. the example owner). */
  notes: string[];
}

/** Used when a stack file has no owner (the presets): a plan needs one, a deploy requires the real one. */
export const PLAN_EXAMPLE_OWNER = "learner@example.com";

export class GuardrailViolationError extends OperationFailedError {
  constructor(readonly violations: Violation[]) {
    super(`guardrails failed: ${violations.map(describeViolation).join("; ")}`);
    this.name = "GuardrailViolationError";
  }
}

export interface CreatePlanOptions {
  /** Preset name (`lab`, `course`, `full`), another stack in stacks/, a path to a stack file, or the file as read. */
  stack: StackRef;
  decideRegion?: RegionDecider;
}

export async function createPlan(options: CreatePlanOptions): Promise<Plan> {
  const settings = readStackSettings(options.stack);
  const notes: string[] = [];
  const raw = { ...settings.config };
  if (raw.owner === undefined) {
    raw.owner = PLAN_EXAMPLE_OWNER;
    notes.push(`owner is not set in ${settings.stack}'s stack config; the plan uses ${PLAN_EXAMPLE_OWNER} (set owner before deploying)`);
  }
  // Validation first: a bad config stops here, before anything is registered.
  const parsed = parseLabConfig(raw);
  const decide = options.decideRegion ?? decideRegionFromConfig;
  const decision = await decide({ stack: settings.stack, config: parsed, regionSetInStack: raw.region !== undefined });
  const config = applyRegionDecision(parsed, decision);

  const run = await runLabProgram(config, { stack: settings.stack });
  const scrub = scrubber(run.suffixDerived ? run.suffix : undefined);
  const resources = run.resources.map((r) => toPlanResource(r, scrub));
  const outputs = scrub(run.outputs) as Record<string, unknown>;
  if (run.suffixDerived) {
    notes.push(`names contain ${DEPLOY_TIME} where the 7-character suffix derived from your subscription goes; set 'suffix' to pin it`);
  }

  const violations = checkGuardrails(resources);
  if (violations.length > 0) throw new GuardrailViolationError(violations);

  return {
    json: {
      stack: settings.stack,
      region: { name: decision.region, nodeType: decision.nodeType, compute: config.compute, source: decision.source, reasons: decision.reasons },
      resources,
      outputs,
      costPerHour: estimateCostPerHour(config),
    },
    config,
    notes,
  };
}

function toPlanResource(resource: RecordedResource, scrub: (value: unknown) => unknown): PlanResource {
  return {
    type: resource.type,
    name: resource.name,
    parent: resource.parent,
    inputs: scrub(resource.inputs) as Record<string, unknown>,
  };
}

/** Base64 of UTF-8 text (the rendered notebook is inline content): long, in the base64 alphabet, padded. */
const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4}){16,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Makes recorded values safe to print and stable across machines: the suffix derived from the mock
 * subscription becomes DEPLOY_TIME, also inside inline base64 content (the notebook names the lab's
 * catalog), and paths inside this repository become relative.
 */
function scrubber(derivedSuffix: string | undefined): (value: unknown) => unknown {
  const root = projectRoot() + "/";
  const scrubString = (text: string) => {
    let result = text.startsWith(root) ? text.slice(root.length) : text;
    if (derivedSuffix) {
      result = result.split(derivedSuffix).join(DEPLOY_TIME);
      if (BASE64_TEXT.test(result)) {
        const decoded = Buffer.from(result, "base64").toString("utf8");
        if (decoded.includes(derivedSuffix)) result = Buffer.from(decoded.split(derivedSuffix).join(DEPLOY_TIME), "utf8").toString("base64");
      }
    }
    return result;
  };
  const scrub = (value: unknown): unknown => {
    if (typeof value === "string") return scrubString(value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [scrubString(k), scrub(v)]));
    }
    return value;
  };
  return scrub;
}
