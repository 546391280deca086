import { describe, expect, it } from "vitest";
import { inputColumnNames, parseSchema, parseSignature, SignatureError } from "../../../src/models/signature";

describe("signature parsing", () => {
  it("parses tensor inputs with name, dtype and shape", () => {
    expect(parseSchema('[{"type": "tensor", "name": "x", "tensor-spec": {"dtype": "float64", "shape": [-1, 4]}}]', "inputs")).toEqual({
      kind: "tensors",
      tensors: [{ name: "x", dtype: "float64", shape: [-1, 4] }],
    });
  });

  it("keeps composite column types readable", () => {
    const schema = parseSchema('[{"type": "array", "items": {"type": "double"}, "name": "v"}]', "inputs");
    expect(schema).toEqual({ kind: "columns", columns: [{ name: "v", type: "array", required: true }] });
  });

  it("accepts signatures written as YAML lists by other tools", () => {
    expect(parseSignature({ inputs: [{ name: "a", type: "long" }] })?.inputs).toEqual({ kind: "columns", columns: [{ name: "a", type: "long", required: true }] });
  });

  it("rejects mixed tensor and column specs and specs without a type", () => {
    expect(() => parseSchema('[{"type": "tensor", "tensor-spec": {"dtype": "int8", "shape": [1]}}, {"type": "double", "name": "a"}]', "inputs")).toThrow(SignatureError);
    expect(() => parseSchema('[{"name": "a"}]', "inputs")).toThrow(/must be an object with a "type"/);
  });

  it("names the input columns only when every column is named", () => {
    expect(inputColumnNames(parseSignature({ inputs: '[{"type":"double","name":"a"},{"type":"string","name":"b"}]' }))).toEqual(["a", "b"]);
    expect(inputColumnNames(parseSignature({ inputs: '[{"type":"double"}]' }))).toBeUndefined();
    expect(inputColumnNames(undefined)).toBeUndefined();
  });
});
