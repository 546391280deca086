import { describe, expect, it } from "vitest";
import { parseSignature } from "../../../src/models/signature";
import { ColumnMismatchError, conformTable } from "../../../src/scoring/conform";

const penguinSignature = parseSignature({
  inputs: JSON.stringify([
    { type: "string", name: "Island", required: true },
    { type: "double", name: "CulmenLength", required: true },
    { type: "long", name: "FlipperLength", required: true },
    { type: "boolean", name: "Tagged", required: false },
  ]),
});

describe("conforming rows to a signature", () => {
  it("orders columns as the signature does and converts CSV text to the declared types", () => {
    const out = conformTable({ columns: ["FlipperLength", "Island", "Tagged", "CulmenLength"], rows: [["210", "Biscoe", "true", "48.7"]] }, penguinSignature);
    expect(out).toEqual({ columns: ["Island", "CulmenLength", "FlipperLength", "Tagged"], rows: [["Biscoe", 48.7, 210, true]] });
  });

  it("lists missing and unexpected columns in one error, before anything is sent", () => {
    let error: ColumnMismatchError | undefined;
    try {
      conformTable({ columns: ["Island", "Culmen_Length", "Flipper"], rows: [["Biscoe", "1", "2"]] }, penguinSignature);
    } catch (e) {
      error = e as ColumnMismatchError;
    }
    expect(error).toBeInstanceOf(ColumnMismatchError);
    expect(error!.mismatch).toEqual({ missing: ["CulmenLength", "FlipperLength"], unexpected: ["Culmen_Length", "Flipper"], expected: ["Island", "CulmenLength", "FlipperLength", "Tagged"] });
    expect(error!.message).toBe(
      "columns do not match the model signature: missing CulmenLength, FlipperLength; unexpected Culmen_Length, Flipper (expected Island, CulmenLength, FlipperLength, Tagged); nothing was sent",
    );
  });

  it("allows optional columns to be absent", () => {
    expect(conformTable({ columns: ["Island", "CulmenLength", "FlipperLength"], rows: [["Dream", 40, 190]] }, penguinSignature).columns).toEqual(["Island", "CulmenLength", "FlipperLength"]);
  });

  it("names the row and column of a value of the wrong type", () => {
    expect(() => conformTable({ columns: ["Island", "CulmenLength", "FlipperLength"], rows: [["Dream", "40", "190"], ["Dream", "forty", "190"]] }, penguinSignature)).toThrow(
      'row 2, column CulmenLength: "forty" is not a double',
    );
    expect(() => conformTable({ columns: ["Island", "CulmenLength", "FlipperLength"], rows: [["Dream", "40", "190.5"]] }, penguinSignature)).toThrow(/not a whole number \(long\)/);
    expect(() => conformTable({ columns: ["Island", "CulmenLength", "FlipperLength"], rows: [["Dream", null, "190"]] }, penguinSignature)).toThrow(/row 1, column CulmenLength: a value is required/);
  });

  it("without a signature turns all-numeric text columns into numbers and leaves the rest", () => {
    expect(conformTable({ columns: ["a", "b", "c"], rows: [["1", "x", null], ["2.5", "3", "7"]] }, undefined)).toEqual({ columns: ["a", "b", "c"], rows: [[1, "x", null], [2.5, "3", 7]] });
  });
});
