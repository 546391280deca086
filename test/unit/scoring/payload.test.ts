import { describe, expect, it } from "vitest";
import { buildPayload, checkRawPayload } from "../../../src/scoring/payload";

const table = { columns: ["Island", "BodyMass"], rows: [["Biscoe", 4450], ["Dream", 3800]] };

describe("payloads per endpoint kind", () => {
  it("defaults MLflow servers, ACI and Databricks to dataframe_split", () => {
    for (const kind of ["mlflow", "aci", "databricks"] as const) {
      expect(buildPayload(table, kind)).toEqual({ dataframe_split: { columns: ["Island", "BodyMass"], data: [["Biscoe", 4450], ["Dream", 3800]] } });
    }
  });

  it("builds dataframe_records and instances as row objects", () => {
    const rows = [{ Island: "Biscoe", BodyMass: 4450 }, { Island: "Dream", BodyMass: 3800 }];
    expect(buildPayload(table, "mlflow", "records")).toEqual({ dataframe_records: rows });
    expect(buildPayload(table, "databricks", "instances")).toEqual({ instances: rows });
  });

  it("wraps Azure ML online input as input_data with columns, index and data", () => {
    expect(buildPayload(table, "managed")).toEqual({ input_data: { columns: ["Island", "BodyMass"], index: [0, 1], data: [["Biscoe", 4450], ["Dream", 3800]] } });
    expect(buildPayload(table, "aks", "split")).toHaveProperty("input_data");
    expect(() => buildPayload(table, "managed", "records")).toThrow(/take only the split shape/);
  });

  it("refuses a pre-wrapped request in the other dialect", () => {
    expect(checkRawPayload({ raw: { inputs: [[1]] }, wrapper: "inputs" }, "mlflow")).toEqual({ inputs: [[1]] });
    expect(() => checkRawPayload({ raw: { inputs: [[1]] }, wrapper: "inputs" }, "managed")).toThrow(/take "input_data"/);
    expect(() => checkRawPayload({ raw: { input_data: [[1]] }, wrapper: "input_data" }, "databricks")).toThrow(/wrapped as "input_data"/);
  });
});
