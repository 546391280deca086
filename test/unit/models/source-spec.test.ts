import { describe, expect, it } from "vitest";
import { parseSourceSpec, SourceSpecError } from "../../../src/models/sources/source-spec";

describe("push source strings", () => {
  it("reads runs:/<run>/<path>, nested paths included", () => {
    expect(parseSourceSpec("runs:/abc123/model")).toEqual({ kind: "run", runId: "abc123", artifactPath: "model" });
    expect(parseSourceSpec("runs:/abc123/outputs/clf/")).toEqual({ kind: "run", runId: "abc123", artifactPath: "outputs/clf" });
  });

  it("reads models:/ versions, aliases, legacy stages, latest and logged-model ids", () => {
    expect(parseSourceSpec("models:/Penguin Predictor/1")).toEqual({ kind: "registered", name: "Penguin Predictor", ref: { kind: "version", version: "1" } });
    expect(parseSourceSpec("models:/churn@prod")).toEqual({ kind: "registered", name: "churn", ref: { kind: "alias", alias: "prod" } });
    expect(parseSourceSpec("models:/churn/production")).toEqual({ kind: "registered", name: "churn", ref: { kind: "stage", stage: "Production" } });
    expect(parseSourceSpec("models:/churn/latest")).toEqual({ kind: "registered", name: "churn", ref: { kind: "latest" } });
    expect(parseSourceSpec("models:/m-3f769a75bf70")).toEqual({ kind: "logged-model", modelId: "m-3f769a75bf70" });
  });

  it("treats anything else as a path (file: URIs included)", () => {
    expect(parseSourceSpec("./mlruns")).toEqual({ kind: "path", path: "./mlruns" });
    expect(parseSourceSpec("file:///tmp/model")).toEqual({ kind: "path", path: "/tmp/model" });
  });

  it("explains malformed URIs", () => {
    expect(() => parseSourceSpec("runs:/abc")).toThrow(/expected runs:\/<run_id>\/<artifact path>/);
    expect(() => parseSourceSpec("models:/churn/beta")).toThrow(/neither a version number/);
    expect(() => parseSourceSpec("models:/churn@")).toThrow(SourceSpecError);
    expect(() => parseSourceSpec("s3://bucket/model")).toThrow(/push-model takes a folder/);
  });
});
