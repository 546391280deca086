import { describe, expect, it } from "vitest";
import { ArmError } from "../../../src/azure/errors";
import { describeSdkError, statusOf } from "../../../src/azure/sdk-errors";

describe("describeSdkError", () => {
  it("describes an SDK error from its statusCode, on one line and cut at 160 characters", () => {
    const sdk = Object.assign(new Error(`busy\n${"x".repeat(300)}`), { statusCode: 503, code: "ServiceUnavailable" });
    const line = describeSdkError(sdk);
    expect(line).toMatch(/^HTTP 503 ServiceUnavailable: busy x+$/);
    expect(line.length).toBe("HTTP 503 ServiceUnavailable: ".length + 160);
    expect(describeSdkError(Object.assign(new Error("nope"), { statusCode: 404, code: "404" }))).toBe("HTTP 404: nope");
    expect(statusOf(sdk)).toBe(503);
  });

  it("describes an ArmError from its status, keeping ARM's message whole", () => {
    const message = `The client 'x' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/delete' ${"over scope /subscriptions/… ".repeat(6)}`;
    const arm = new ArmError({ status: 403, code: "AuthorizationFailed", message });
    expect(describeSdkError(arm)).toBe(`HTTP 403 AuthorizationFailed: ${message}`);
    expect(statusOf(arm)).toBe(403);
  });

  it("leaves out the status of an ArmError that got no answer (status 0)", () => {
    const arm = new ArmError({ status: 0, code: "ECONNRESET", message: "GET /subscriptions/s: socket hang up" });
    expect(describeSdkError(arm)).toBe("ECONNRESET: GET /subscriptions/s: socket hang up");
    expect(statusOf(arm)).toBeUndefined();
  });

  it("describes anything else by its message", () => {
    expect(describeSdkError(new Error("plain"))).toBe("plain");
    expect(describeSdkError("text")).toBe("text");
  });
});
