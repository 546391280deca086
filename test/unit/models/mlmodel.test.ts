import { describe, expect, it } from "vitest";
import { azureMlFlavors, MlmodelError, parseMlmodel } from "../../../src/models/mlmodel";

const MLFLOW2 = `artifact_path: model
flavors:
  python_function:
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.sklearn
    model_path: model.pkl
    predict_fn: predict
    python_version: 3.10
  sklearn:
    code: null
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.3.0
mlflow_version: 2.10.0
model_uuid: 7a1e0c3b9d4f4e2f8a6b5c4d3e2f1a0b
run_id: 4fb155348f2f48b098d50d5c693de434
signature:
  inputs: '[{"type": "string", "name": "Island", "required": true}, {"type": "double", "name": "CulmenLength"}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
  params: null
utc_time_created: '2024-01-02 03:04:05.123456'
`;

const MLFLOW3 = `artifact_path: mlflow-artifacts:/1/models/m-3f769a75bf704908a8727f02fe6226be/artifacts
flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.skops
    python_version: 3.11.7
  sklearn:
    pickled_model: model.skops
    serialization_format: skops
    sklearn_version: 1.7.2
    skops_trusted_types: null
is_signature_from_type_hint: false
mlflow_version: 3.17.2
model_id: m-3f769a75bf704908a8727f02fe6226be
model_size_bytes: 95779
model_uuid: m-3f769a75bf704908a8727f02fe6226be
prompts: null
run_id: f5cb3c390349455e912ea06557dbb5f9
saved_input_example_info:
  artifact_path: input_example.json
  pandas_orient: split
  serving_input_path: serving_input_example.json
  type: dataframe
signature:
  inputs: '[{"type": "double", "name": "x", "required": false}]'
  outputs: '[{"type": "long"}]'
  params: '[{"name": "threshold", "type": "double", "default": 0.5, "shape": null}]'
`;

describe("parseMlmodel", () => {
  it("keeps python_version 3.10 as the string '3.10' (YAML would read 3.1)", () => {
    const info = parseMlmodel(MLFLOW2);
    expect(info.pythonVersion).toBe("3.10");
    expect(info.mlflowVersion).toBe("2.10.0");
    expect(info.flavors.sklearn?.sklearn_version).toBe("1.3.0");
  });

  it("reads an MLflow 2.x file: relative artifact_path, 32-hex uuid, signature JSON strings parsed", () => {
    const info = parseMlmodel(MLFLOW2);
    expect(info.layout).toBe("mlflow2");
    expect(info.artifactPath).toBe("model");
    expect(info.artifactUri).toBeUndefined();
    expect(info.modelId).toBeUndefined();
    expect(info.modelUuid).toBe("7a1e0c3b9d4f4e2f8a6b5c4d3e2f1a0b");
    expect(info.runId).toBe("4fb155348f2f48b098d50d5c693de434");
    expect(info.utcTimeCreated).toBe("2024-01-02 03:04:05.123456");
    expect(info.signature?.inputs).toEqual({
      kind: "columns",
      columns: [
        { name: "Island", type: "string", required: true },
        { name: "CulmenLength", type: "double", required: true },
      ],
    });
    expect(info.signature?.outputs).toEqual({ kind: "tensors", tensors: [{ dtype: "int64", shape: [-1] }] });
    expect(info.signature?.params).toBeUndefined();
  });

  it("reads an MLflow 3.x file: artifact_path as a URI, model_uuid = m-<id>, params, size, input example", () => {
    const info = parseMlmodel(MLFLOW3);
    expect(info.layout).toBe("mlflow3");
    expect(info.artifactUri).toBe("mlflow-artifacts:/1/models/m-3f769a75bf704908a8727f02fe6226be/artifacts");
    expect(info.modelId).toBe("m-3f769a75bf704908a8727f02fe6226be");
    expect(info.modelSizeBytes).toBe(95779);
    expect(info.signature?.inputs).toEqual({ kind: "columns", columns: [{ name: "x", type: "double", required: false }] });
    expect(info.signature?.params).toEqual([{ name: "threshold", type: "double", default: 0.5, shape: null }]);
    expect(info.inputExample).toEqual({ artifactPath: "input_example.json", type: "dataframe", pandasOrient: "split", servingInputPath: "serving_input_example.json" });
  });

  it("treats a uuid of m-<id> without model_id as MLflow 3", () => {
    expect(parseMlmodel("flavors: {python_function: {}}\nmodel_uuid: m-abc123\n").modelId).toBe("m-abc123");
  });

  it("accepts a file with flavors only (every other field is optional)", () => {
    const info = parseMlmodel("flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n");
    expect(Object.keys(info.flavors)).toEqual(["python_function"]);
    expect(info.signature).toBeUndefined();
    expect(info.runId).toBeUndefined();
    expect(info.layout).toBe("mlflow2");
  });

  it("rejects a file without flavors, naming the file", () => {
    expect(() => parseMlmodel("artifact_path: model\n", "m/MLmodel")).toThrow(/m\/MLmodel has no flavors/);
    expect(() => parseMlmodel("flavors: {}\n")).toThrow(MlmodelError);
  });

  it("reports broken YAML with its line and column on one line", () => {
    const error = (() => {
      try {
        parseMlmodel("flavors:\n  sklearn: {pickled_model: model.pkl\nrun_id: x\n", "dir/MLmodel");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(MlmodelError);
    expect(error!.message).toMatch(/^dir\/MLmodel is not valid YAML \(line \d+, column \d+\): /);
    expect(error!.message).not.toContain("\n");
  });

  it("reports a signature that is not JSON", () => {
    expect(() => parseMlmodel("flavors: {python_function: {}}\nsignature:\n  inputs: '[{\"type\": '\n")).toThrow(/signature.inputs is not valid JSON/);
  });

  it("rejects a YAML document that is not a mapping", () => {
    expect(() => parseMlmodel("- a\n- b\n")).toThrow(/must be a YAML mapping/);
  });

  it("gives Azure ML flavors with string values only", () => {
    const flavors = azureMlFlavors(parseMlmodel(MLFLOW2));
    expect(flavors.sklearn?.data).toEqual({ pickled_model: "model.pkl", serialization_format: "cloudpickle", sklearn_version: "1.3.0" });
    expect(flavors.python_function?.data.env).toBe(JSON.stringify({ conda: "conda.yaml", virtualenv: "python_env.yaml" }));
    expect(flavors.python_function?.data.python_version).toBe("3.10");
  });
});
