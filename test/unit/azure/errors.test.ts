import { describe, expect, it } from "vitest";
import { parseArmError } from "../../../src/azure/errors";

describe("parseArmError", () => {
  it("reads the common ARM error body", () => {
    const e = parseArmError({
      status: 409,
      bodyText: JSON.stringify({ error: { code: "ScopeLocked", message: "The scope 'x' cannot perform delete operation", target: null } }),
    });
    expect(e).toMatchObject({ status: 409, code: "ScopeLocked", innerCode: "ScopeLocked", message: "The scope 'x' cannot perform delete operation" });
  });
  it("unwraps DeploymentFailed to the inner code, through several levels", () => {
    const e = parseArmError({
      status: 400,
      body: {
        error: {
          code: "DeploymentFailed",
          message: "At least one resource deployment operation failed.",
          details: [{ code: "Conflict", message: "{}", details: [{ code: "QuotaExceeded", message: "exceeding approved standardDSv2Family Cores quota" }] }],
        },
      },
    });
    expect(e.code).toBe("DeploymentFailed");
    expect(e.innerCode).toBe("QuotaExceeded");
    expect(e.allCodes()).toEqual(["DeploymentFailed", "Conflict", "QuotaExceeded"]);
    expect(e.details[0].details?.[0].message).toContain("standardDSv2Family");
  });
  it("accepts top-level {code, message} and OData errors", () => {
    expect(parseArmError({ status: 400, bodyText: '{"code":"BadRequest","message":"nope"}' })).toMatchObject({ code: "BadRequest", message: "nope" });
    expect(parseArmError({ status: 404, bodyText: '{"odata.error":{"code":"NotFound","message":{"value":"gone"}}}' })).toMatchObject({ code: "NotFound", message: "gone" });
  });
  it("keeps status and a short text for non-JSON bodies, and carries Retry-After", () => {
    const e = parseArmError({ status: 503, bodyText: "<html>Service Unavailable</html>", retryAfterMs: 5000 });
    expect(e).toMatchObject({ status: 503, code: "ServiceUnavailable", retryAfterMs: 5000 });
    expect(e.message).toContain("Service Unavailable");
  });
});
