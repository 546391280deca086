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
  });

  it("lets blank cells through where MLflow's schema enforcement accepts a missing value, and only there", () => {
    // The lab's penguins.csv has rows with every measurement blank; the notebook's signature types them
    // float (a Spark float column), the course's sklearn models double.
    const lab = parseSignature({
      inputs: JSON.stringify([
        { type: "string", name: "Island", required: true },
        { type: "float", name: "CulmenLength", required: true },
        { type: "double", name: "BodyMass", required: true },
        { type: "datetime", name: "Seen", required: true },
        { type: "string", name: "Note", required: true },
      ]),
    });
    const blank = conformTable({ columns: ["Island", "CulmenLength", "BodyMass", "Seen", "Note"], rows: [["Torgersen", null, null, null, null]] }, lab);
    expect(blank.rows).toEqual([["Torgersen", null, null, null, null]]);
    // A long column cannot hold a missing value in pandas (MLflow's cast fails), whether or not the column
    // itself is required; a boolean one would silently become False.
    expect(() => conformTable({ columns: ["Island", "CulmenLength", "FlipperLength"], rows: [["Dream", "40", null]] }, penguinSignature)).toThrow(
      "row 1, column FlipperLength: the model signature's type long takes no empty cells (MLflow accepts them only in float, double, string and datetime columns)",
    );
    expect(() => conformTable({ columns: ["Island", "CulmenLength", "FlipperLength", "Tagged"], rows: [["Dream", "40", "190", null]] }, penguinSignature)).toThrow(/column Tagged: the model signature's type boolean takes no empty cells/);
    const composite = parseSignature({
      inputs: JSON.stringify([
        { type: "array", items: { type: "double" }, name: "optional", required: false },
        { type: "array", items: { type: "double" }, name: "needed", required: true },
      ]),
    });
    expect(conformTable({ columns: ["optional", "needed"], rows: [[null, [1]]] }, composite).rows).toEqual([[null, [1]]]);
    expect(() => conformTable({ columns: ["optional", "needed"], rows: [[[1], null]] }, composite)).toThrow(/column needed: the model signature's type array takes no empty cells/);
  });

  it("without a signature turns all-numeric text columns into numbers and leaves the rest", () => {
    expect(conformTable({ columns: ["a", "b", "c"], rows: [["1", "x", null], ["2.5", "3", "7"]] }, undefined)).toEqual({ columns: ["a", "b", "c"], rows: [[1, "x", null], [2.5, "3", 7]] });
  });
});
