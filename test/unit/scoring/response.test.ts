import { describe, expect, it } from "vitest";
import { parsePredictions, ScoringResponseError } from "../../../src/scoring/response";

describe("scoring replies", () => {
  it("reads {predictions: [...]} and a bare array alike", () => {
    expect(parsePredictions('{"predictions": [1, 0, 2]}')).toEqual({ values: [1, 0, 2], columns: ["prediction"], rows: [[1], [0], [2]] });
    expect(parsePredictions("[11633.1, 8522.11]").rows).toEqual([[11633.1], [8522.11]]);
  });

  it("spreads record predictions into columns", () => {
    expect(parsePredictions('{"predictions": [{"label": 1, "p": 0.9}, {"label": 0, "p": 0.2}]}')).toMatchObject({ columns: ["label", "p"], rows: [[1, 0.9], [0, 0.2]] });
  });

  it("reads column-oriented predictions and JSON-in-a-string replies", () => {
    expect(parsePredictions('{"predictions": {"a": [1, 2], "b": [3, 4]}}').rows).toEqual([[1, 3], [2, 4]]);
    expect(parsePredictions(JSON.stringify("[1, 2]")).rows).toEqual([[1], [2]]);
  });

  it("explains replies without predictions", () => {
    expect(() => parsePredictions('{"result": 1}')).toThrow(/no predictions \(keys: result\)/);
    expect(() => parsePredictions("<html>")).toThrow(ScoringResponseError);
  });
});
