import { describe, expect, it } from "vitest";
import { DeleteCapExceededError, enforceDeleteCap, parseMax, resolveRunMode } from "../../../src/cleanup/run-guards";
import { UserInputError } from "../../../src/errors";

describe("run mode", () => {
  it("is a dry run unless --yes is given", () => {
    expect(resolveRunMode({})).toBe("dry-run");
    expect(resolveRunMode({ dryRun: true })).toBe("dry-run");
    expect(resolveRunMode({ yes: true })).toBe("execute");
  });

  it("refuses --dry-run together with --yes", () => {
    expect(() => resolveRunMode({ dryRun: true, yes: true })).toThrow(UserInputError);
  });
});

describe("--max cap", () => {
  it("lets the run go on at or under the cap", () => {
    expect(() => enforceDeleteCap(10, 10)).not.toThrow();
    expect(() => enforceDeleteCap(0, 0)).not.toThrow();
  });

  it("aborts when more would be deleted, saying how many and how to proceed", () => {
    expect(() => enforceDeleteCap(11, 10)).toThrow(DeleteCapExceededError);
    expect(() => enforceDeleteCap(11, 10)).toThrow(/would delete 11 resource groups, more than --max 10; nothing was deleted/);
  });

  it("accepts only whole numbers", () => {
    expect(parseMax("25")).toBe(25);
    expect(() => parseMax("-1")).toThrow(UserInputError);
    expect(() => parseMax("ten")).toThrow(/--max 'ten' is not a whole number/);
  });
});
