import { describe, expect, it } from "vitest";
import { parseCsv, parseJsonInput, parseScoringInput } from "../../../src/scoring/input";
import { ScoringInputError } from "../../../src/scoring/table";

describe("CSV input", () => {
  it("reads a header and rows; empty cells become null", () => {
    expect(parseCsv("Island,CulmenLength\nBiscoe,48.7\nDream,\n")).toEqual({ columns: ["Island", "CulmenLength"], rows: [["Biscoe", "48.7"], ["Dream", null]] });
  });

  it("handles a UTF-8 BOM, CRLF line ends, quoted commas and quotes, blank lines", () => {
    const table = parseCsv('\uFEFFname,note\r\n"Smith, J","said ""hi"""\r\n\r\nLee,plain\r\n');
    expect(table.columns).toEqual(["name", "note"]);
    expect(table.rows).toEqual([["Smith, J", 'said "hi"'], ["Lee", "plain"]]);
  });

  it("names the line of a ragged row", () => {
    expect(() => parseCsv("a,b\n1,2\n3\n", "rows.csv")).toThrow(/rows\.csv: .*line 3/);
  });

  it("rejects duplicate or empty header names and header-only files", () => {
    expect(() => parseCsv("a,a\n1,2\n")).toThrow(/column "a" appears twice/);
    expect(() => parseCsv("a,\n1,2\n")).toThrow(/header column 2 has no name/);
    expect(() => parseCsv("a,b\n")).toThrow(/has a header but no rows/);
    expect(() => parseCsv("")).toThrow(ScoringInputError);
  });
});

describe("JSON input", () => {
  it("reads a records array (columns in first-seen order, missing keys null)", () => {
    expect(parseJsonInput('[{"a":1,"b":"x"},{"b":"y","c":true}]')).toEqual({
      kind: "table",
      table: { columns: ["a", "b", "c"], rows: [[1, "x", null], [null, "y", true]] },
    });
  });

  it("reads a split object and unwraps dataframe_split, input_data and dataframe_records", () => {
    const split = { columns: ["a"], data: [[1], [2]] };
    const table = { kind: "table", table: { columns: ["a"], rows: [[1], [2]] } };
    expect(parseJsonInput(JSON.stringify(split))).toEqual(table);
    expect(parseJsonInput(JSON.stringify({ dataframe_split: split }))).toEqual(table);
    expect(parseJsonInput(JSON.stringify({ input_data: { ...split, index: [0, 1] } }))).toEqual(table);
    expect(parseJsonInput(JSON.stringify({ dataframe_records: [{ a: 1 }, { a: 2 }] }))).toEqual(table);
  });

  it("passes tensor-style and params-carrying requests through untouched", () => {
    expect(parseJsonInput('{"inputs": [[1, 2]]}')).toEqual({ kind: "raw", payload: { raw: { inputs: [[1, 2]] }, wrapper: "inputs" } });
    const withParams = { dataframe_split: { columns: ["a"], data: [[1]] }, params: { k: 1 } };
    expect(parseJsonInput(JSON.stringify(withParams))).toEqual({ kind: "raw", payload: { raw: withParams, wrapper: "dataframe_split" } });
  });

  it("explains shapes it cannot use", () => {
    expect(() => parseJsonInput("[[1,2]]")).toThrow(/must hold row objects/);
    expect(() => parseJsonInput('{"dataframe_split": {}, "instances": []}')).toThrow(/more than one/);
    expect(() => parseJsonInput('{"rows": []}')).toThrow(/records array, a \{columns, data\} object or a wrapped request/);
    expect(() => parseJsonInput('{"columns":["a","b"],"data":[[1]]}')).toThrow(/row 1 has 1 values for 2 columns/);
    expect(() => parseJsonInput("{oops")).toThrow(/not valid JSON/);
  });

  it("decides CSV or JSON by extension, else by content (stdin)", () => {
    expect(parseScoringInput("a\n1\n", "x.csv").kind).toBe("table");
    expect(parseScoringInput('[{"a":1}]', "stdin")).toEqual({ kind: "table", table: { columns: ["a"], rows: [[1]] } });
    expect(parseScoringInput("a,b\n1,2\n", "stdin")).toEqual({ kind: "table", table: { columns: ["a", "b"], rows: [["1", "2"]] } });
  });
});
