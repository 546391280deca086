/**
 * What a push source string means, decided without I/O: an MLflow URI (`runs:/`, `models:/`) or a
 * path on disk (a model directory or an `mlruns` file store; the reader tells them apart).
 */

export type RegisteredRef =
  | { kind: "version"; version: string }
  | { kind: "alias"; alias: string }
  | { kind: "stage"; stage: string }
  | { kind: "latest" };

export type SourceSpec =
  | { kind: "run"; runId: string; artifactPath: string }
  | { kind: "registered"; name: string; ref: RegisteredRef }
  | { kind: "logged-model"; modelId: string }
  | { kind: "path"; path: string };

export class SourceSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SourceSpecError";
  }
}

const LEGACY_STAGES = new Map(["none", "staging", "production", "archived"].map((s) => [s, s[0]!.toUpperCase() + s.slice(1)]));

export function parseSourceSpec(source: string): SourceSpec {
  const text = source.trim();
  if (text.startsWith("runs:")) {
    const match = /^runs:\/+([^/]+)\/(.+?)\/*$/.exec(text);
    if (!match) throw new SourceSpecError(`"${source}" is not a run URI; expected runs:/<run_id>/<artifact path>, e.g. runs:/0123abcd/model`);
    return { kind: "run", runId: match[1]!, artifactPath: match[2]! };
  }
  if (text.startsWith("models:")) {
    const rest = text.replace(/^models:\/+/, "").replace(/\/+$/, "");
    if (/^m-[0-9a-f]+$/i.test(rest)) return { kind: "logged-model", modelId: rest };
    const at = rest.lastIndexOf("@");
    const slash = rest.lastIndexOf("/");
    if (at > 0 && at > slash) {
      const name = rest.slice(0, at);
      const alias = rest.slice(at + 1);
      if (!alias) throw new SourceSpecError(`"${source}" has an empty alias; expected models:/<name>@<alias>`);
      return { kind: "registered", name, ref: { kind: "alias", alias } };
    }
    if (slash > 0) {
      const name = rest.slice(0, slash);
      const selector = rest.slice(slash + 1);
      if (/^\d+$/.test(selector)) return { kind: "registered", name, ref: { kind: "version", version: selector } };
      if (selector.toLowerCase() === "latest") return { kind: "registered", name, ref: { kind: "latest" } };
      const stage = LEGACY_STAGES.get(selector.toLowerCase());
      if (stage) return { kind: "registered", name, ref: { kind: "stage", stage } };
      throw new SourceSpecError(
        `"${source}": "${selector}" is neither a version number, "latest", an @alias nor a stage (None, Staging, Production, Archived)`,
      );
    }
    throw new SourceSpecError(`"${source}" is not a model URI; expected models:/<name>/<version>, models:/<name>@<alias> or models:/m-<id>`);
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(text) && !text.startsWith("file://")) {
    throw new SourceSpecError(`"${source}": push-model takes a folder, runs:/<run_id>/<path> or models:/<name>/<version|@alias>`);
  }
  return { kind: "path", path: text.startsWith("file://") ? decodeURIComponent(new URL(text).pathname) : text };
}

export function describeRef(name: string, ref: RegisteredRef): string {
  switch (ref.kind) {
    case "version":
      return `models:/${name}/${ref.version}`;
    case "alias":
      return `models:/${name}@${ref.alias}`;
    case "stage":
      return `models:/${name}/${ref.stage}`;
    case "latest":
      return `models:/${name}/latest`;
  }
}
