import { Buffer } from "node:buffer";
import { parseLabConfig, type LabConfig } from "../../../src/config/lab-config";
import { readStackSettings } from "../../../src/config/stack-settings";
import { runLabProgram, type ProgramRun, type RecordedResource } from "../../../src/plan/engine";

/** Helpers shared by the lab tests: run a preset through the recording engine once and look things up. */
export const OWNER = "learner@contoso.com";
export const DATASET_BYTES = Buffer.from("Island,CulmenLength\nBiscoe,48.7\n");

export interface PresetRun {
  config: LabConfig;
  run: ProgramRun;
  fetches: Array<{ url: string; sha256: string }>;
}

const cache = new Map<string, Promise<PresetRun>>();

export function runPreset(stack: "lab" | "course" | "full" | "serverless"): Promise<PresetRun> {
  let pending = cache.get(stack);
  if (!pending) {
    pending = (async () => {
      const config = parseLabConfig({ ...readStackSettings(stack).config, owner: OWNER });
      const fetches: PresetRun["fetches"] = [];
      const run = await runLabProgram(config, {
        stack,
        fetchDataset: (url, sha256) => {
          fetches.push({ url, sha256 });
          return DATASET_BYTES.toString("base64");
        },
      });
      return { config, run, fetches };
    })();
    cache.set(stack, pending);
  }
  return pending;
}

export function runConfig(raw: Record<string, unknown>, stack = "custom"): Promise<ProgramRun> {
  return runLabProgram(parseLabConfig({ owner: OWNER, ...raw }), { stack, fetchDataset: () => "ZGF0YQ==" });
}

export function byType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function one(run: ProgramRun, type: string, name?: string): RecordedResource {
  const found = byType(run, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
}

export function named(run: ProgramRun, name: string): RecordedResource {
  const found = run.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;
export const inputs = (resource: RecordedResource) => resource.inputs as Json;
