import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { UserInputError } from "../../errors";
import { describeRef, type RegisteredRef } from "./source-spec";
import type { ModelOrigin, ResolvedModel } from "./types";

/**
 * Finds models inside an MLflow file store (`mlruns/`, what `mlflow ui` and the course's local runs
 * write). Layout:
 *   <exp>/<run>/artifacts/<path>/MLmodel        model files as run artifacts (MLflow 2.x)
 *   <exp>/models/m-<id>/artifacts/MLmodel        logged models (MLflow 3.x), meta.yaml: name, source_run_id
 *   <exp>/<run>/metrics/<key>                    "timestamp value step" lines
 *   models/<name>/version-<n>/meta.yaml          registry: run_id, model_id, source, current_stage
 *   models/<name>/meta.yaml                      aliases: {alias: version}
 * Absolute file:// paths inside meta files may point at the machine that wrote them, so models are
 * located by run/model id inside THIS folder, never by those paths.
 */

export interface StoreModel {
  /** `runs:/<run>/<path>` or `models:/m-<id>`: how to ask for it. */
  uri: string;
  dir: string;
  runId?: string;
  artifactPath?: string;
  loggedModelId?: string;
  name?: string;
}

function readYaml(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = YAML.parse(fs.readFileSync(file, "utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** True when `dir` looks like an MLflow file store rather than a model folder. */
export function isMlrunsStore(dir: string): boolean {
  if (fs.existsSync(path.join(dir, "MLmodel"))) return false;
  if (fs.existsSync(path.join(dir, ".trash"))) return true;
  return subdirs(dir).some((sub) => {
    const meta = readYaml(path.join(dir, sub, "meta.yaml"));
    return meta !== undefined && "experiment_id" in meta && "artifact_location" in meta;
  });
}

export class MlrunsStore {
  constructor(readonly root: string) {}

  private experiments(): string[] {
    return subdirs(this.root).filter((d) => d !== "models" && d !== ".trash" && fs.existsSync(path.join(this.root, d, "meta.yaml")));
  }

  private runDir(runId: string): string | undefined {
    for (const exp of this.experiments()) {
      const dir = path.join(this.root, exp, runId);
      if (fs.existsSync(path.join(dir, "meta.yaml"))) return dir;
    }
    return undefined;
  }

  private loggedModelDir(modelId: string): string | undefined {
    for (const exp of this.experiments()) {
      const dir = path.join(this.root, exp, "models", modelId);
      if (fs.existsSync(path.join(dir, "meta.yaml"))) return dir;
    }
    return undefined;
  }

  metrics(runId: string): Record<string, number> | undefined {
    const dir = this.runDir(runId);
    if (!dir) return undefined;
    const metricsDir = path.join(dir, "metrics");
    const out: Record<string, number> = {};
    const walk = (abs: string, prefix: string) => {
      for (const entry of fs.existsSync(abs) ? fs.readdirSync(abs, { withFileTypes: true }) : []) {
        const key = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(path.join(abs, entry.name), key);
        else {
          const lines = fs.readFileSync(path.join(abs, entry.name), "utf8").trim().split("\n");
          const value = Number(lines[lines.length - 1]?.split(" ")[1]);
          if (Number.isFinite(value)) out[key] = value;
        }
      }
    };
    walk(metricsDir, "");
    return Object.keys(out).length > 0 ? out : undefined;
  }

  /** Every model in the store, for choosing and for "did you mean" lists. */
  models(): StoreModel[] {
    const found: StoreModel[] = [];
    for (const exp of this.experiments()) {
      const expDir = path.join(this.root, exp);
      for (const runId of subdirs(expDir).filter((d) => d !== "models")) {
        const artifacts = path.join(expDir, runId, "artifacts");
        const walk = (abs: string, rel: string, depth: number) => {
          if (fs.existsSync(path.join(abs, "MLmodel")) && rel) {
            found.push({ uri: `runs:/${runId}/${rel}`, dir: abs, runId, artifactPath: rel });
            return;
          }
          if (depth > 4) return;
          for (const sub of subdirs(abs)) walk(path.join(abs, sub), rel ? `${rel}/${sub}` : sub, depth + 1);
        };
        walk(artifacts, "", 0);
      }
      for (const modelId of subdirs(path.join(expDir, "models"))) {
        const meta = readYaml(path.join(expDir, "models", modelId, "meta.yaml")) ?? {};
        const dir = path.join(expDir, "models", modelId, "artifacts");
        if (!fs.existsSync(path.join(dir, "MLmodel"))) continue;
        found.push({
          uri: `models:/${modelId}`,
          dir,
          loggedModelId: modelId,
          ...(typeof meta.source_run_id === "string" ? { runId: meta.source_run_id } : {}),
          ...(typeof meta.name === "string" ? { name: meta.name, artifactPath: meta.name } : {}),
        });
      }
    }
    return found;
  }

  private resolved(model: StoreModel, origin: ModelOrigin): ResolvedModel {
    const metrics = model.runId ? this.metrics(model.runId) : undefined;
    return {
      dir: model.dir,
      displayName: (model.artifactPath ?? model.name ?? "model").split("/").pop()!,
      origin: {
        ...origin,
        ...(model.runId ? { runId: model.runId } : {}),
        ...(model.loggedModelId ? { loggedModelId: model.loggedModelId } : {}),
        ...(metrics ? { metrics } : {}),
      },
      downloadedBytes: 0,
      cleanup: async () => undefined,
    };
  }

  resolveRun(runId: string, artifactPath: string | undefined, source: string): ResolvedModel {
    if (!this.runDir(runId)) throw new UserInputError(`run ${runId} was not found in ${this.root}`);
    const ofRun = this.models().filter((m) => m.runId === runId);
    const wanted = artifactPath?.replace(/\/+$/, "");
    const match = wanted ? ofRun.find((m) => m.artifactPath === wanted) : ofRun.length === 1 ? ofRun[0] : undefined;
    if (!match) {
      const list = ofRun.map((m) => m.artifactPath ?? m.uri).join(", ");
      if (ofRun.length === 0) throw new UserInputError(`run ${runId} in ${this.root} has no model`);
      throw new UserInputError(
        wanted ? `run ${runId} has no model at "${wanted}" (its models: ${list})` : `run ${runId} has ${ofRun.length} models (${list}); name one with runs:/${runId}/<path>`,
      );
    }
    return this.resolved(match, { source, kind: "mlruns", runId, artifactPath: match.artifactPath ?? wanted });
  }

  resolveLoggedModel(modelId: string, source: string): ResolvedModel {
    const match = this.models().find((m) => m.loggedModelId === modelId);
    if (!match) throw new UserInputError(`logged model ${modelId} was not found in ${this.root}`);
    return this.resolved(match, { source, kind: "mlruns" });
  }

  resolveRegistered(name: string, ref: RegisteredRef, source: string): ResolvedModel {
    const label = describeRef(name, ref);
    const modelDir = path.join(this.root, "models", name);
    if (!fs.existsSync(path.join(modelDir, "meta.yaml"))) throw new UserInputError(`registered model "${name}" was not found in ${this.root}`);
    const versions = subdirs(modelDir)
      .filter((d) => /^version-\d+$/.test(d))
      .map((d) => ({ version: d.slice("version-".length), meta: readYaml(path.join(modelDir, d, "meta.yaml")) ?? {} }))
      .sort((a, b) => Number(a.version) - Number(b.version));
    let chosen: (typeof versions)[number] | undefined;
    switch (ref.kind) {
      case "version":
        chosen = versions.find((v) => v.version === ref.version);
        if (!chosen) throw new UserInputError(`${label}: version ${ref.version} does not exist (versions: ${versions.map((v) => v.version).join(", ")})`);
        break;
      case "alias": {
        const aliases = (readYaml(path.join(modelDir, "meta.yaml"))?.aliases ?? {}) as Record<string, unknown>;
        const target = aliases[ref.alias];
        chosen = target === undefined ? undefined : versions.find((v) => v.version === String(target));
        if (!chosen) {
          const known = Object.keys(aliases).map((a) => `@${a}`);
          throw new UserInputError(`${label}: alias @${ref.alias} does not exist` + (known.length ? ` (aliases: ${known.join(", ")})` : " (the model has no aliases)"));
        }
        break;
      }
      case "stage":
        chosen = versions.filter((v) => String(v.meta.current_stage ?? "None").toLowerCase() === ref.stage.toLowerCase()).pop();
        if (!chosen) throw new UserInputError(`${label}: no version is in stage ${ref.stage}`);
        break;
      case "latest":
        chosen = versions[versions.length - 1];
        if (!chosen) throw new UserInputError(`${label}: the model has no versions`);
        break;
    }
    const meta = chosen.meta;
    const origin: ModelOrigin = { source, kind: "mlruns", registeredName: name, registeredVersion: chosen.version };
    const modelId = typeof meta.model_id === "string" ? meta.model_id : undefined;
    const models = this.models();
    if (modelId) {
      const match = models.find((m) => m.loggedModelId === modelId);
      if (match) return this.resolved(match, origin);
    }
    const runId = typeof meta.run_id === "string" ? meta.run_id : undefined;
    const sourceUri = String(meta.source ?? "");
    const artifactPath = /^runs:\/+[^/]+\/(.+)$/.exec(sourceUri)?.[1] ?? (runId ? new RegExp(`/${runId}/artifacts/(.+)$`).exec(sourceUri)?.[1] : undefined);
    const match = models.find((m) => m.runId === runId && m.artifactPath === artifactPath && !m.loggedModelId);
    if (!match) throw new UserInputError(`${label}: its files (${sourceUri || "unknown source"}) are not in ${this.root}`);
    return this.resolved(match, { ...origin, ...(artifactPath ? { artifactPath } : {}) });
  }
}
