import { describe, expect, it } from "vitest";
import { planLro, statusFromPoll, statusFromString } from "../../../src/azure/lro";

const view = (status: number, headers: Record<string, string> = {}, body: unknown = "") => ({
  status,
  header: (n: string) => headers[n.toLowerCase()],
  body,
});
const url = "https://arm.example/subscriptions/s/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/w?api-version=2026-01-01";

describe("planLro", () => {
  it("prefers Operation-Location over Azure-AsyncOperation over Location", () => {
    const all = view(202, { "operation-location": "https://arm.example/op1", "azure-asyncoperation": "https://arm.example/op2", location: "https://arm.example/loc" });
    expect(planLro("DELETE", url, all)).toMatchObject({ mode: "status-monitor", pollUrl: "https://arm.example/op1" });
    const two = view(202, { "azure-asyncoperation": "https://arm.example/op2", location: "https://arm.example/loc" });
    expect(planLro("DELETE", url, two)).toMatchObject({ mode: "status-monitor", pollUrl: "https://arm.example/op2" });
    expect(planLro("DELETE", url, view(202, { location: "https://arm.example/loc" }))).toMatchObject({ mode: "location", pollUrl: "https://arm.example/loc" });
  });
  it("re-GETs the resource for a PUT without polling headers while provisioningState is not terminal", () => {
    const p = planLro("PUT", url, view(201, {}, { properties: { provisioningState: "Accepted" } }));
    expect(p).toMatchObject({ mode: "body", pollUrl: url, finalUrl: url, initialStatus: "running" });
  });
  it("treats a PUT with a terminal provisioningState as done", () => {
    expect(planLro("PUT", url, view(200, {}, { properties: { provisioningState: "Succeeded" } }))).toMatchObject({ mode: "none", initialStatus: "succeeded" });
    expect(planLro("PUT", url, view(200, {}, { provisioningState: "Failed" }))).toMatchObject({ initialStatus: "failed" });
  });
  it("treats DELETE 200/204 as done and POST final result via Location", () => {
    expect(planLro("DELETE", url, view(204))).toMatchObject({ mode: "none", initialStatus: "succeeded" });
    const post = planLro("POST", url, view(202, { "azure-asyncoperation": "https://arm.example/op", location: "https://arm.example/result" }));
    expect(post).toMatchObject({ mode: "status-monitor", finalUrl: "https://arm.example/result" });
  });
  it("treats a DELETE/POST 202 that names nowhere to poll as done (nothing to follow)", () => {
    expect(planLro("DELETE", url, view(202))).toMatchObject({ mode: "none", initialStatus: "succeeded" });
    expect(planLro("POST", url, view(202))).toMatchObject({ mode: "none", initialStatus: "succeeded" });
  });
  it("resolves relative polling URLs against the request URL", () => {
    expect(planLro("DELETE", url, view(202, { location: "/operationresults/x" })).pollUrl).toBe("https://arm.example/operationresults/x");
  });
});

describe("statusFromPoll", () => {
  it("status monitor: reads body.status with the SDK's loose matching", () => {
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "InProgress" }))).toBe("running");
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "Running" }))).toBe("running");
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "Succeeded" }))).toBe("succeeded");
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "Failed" }))).toBe("failed");
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "Canceled" }))).toBe("canceled");
    expect(statusFromPoll("status-monitor", view(200, {}, { status: "Cancelled" }))).toBe("canceled");
  });
  it("status monitor without status falls back to the HTTP code", () => {
    expect(statusFromPoll("status-monitor", view(202))).toBe("running");
    expect(statusFromPoll("status-monitor", view(200, {}, {}))).toBe("succeeded");
  });
  it("location mode uses only the HTTP code", () => {
    expect(statusFromPoll("location", view(202, {}, { status: "Succeeded" }))).toBe("running");
    expect(statusFromPoll("location", view(200))).toBe("succeeded");
    expect(statusFromPoll("location", view(204))).toBe("succeeded");
    expect(statusFromPoll("location", view(409, {}, { error: { code: "Conflict" } }))).toBe("failed");
  });
  it("body mode reads properties.provisioningState, then the top-level one", () => {
    expect(statusFromPoll("body", view(200, {}, { properties: { provisioningState: "Creating" } }))).toBe("running");
    expect(statusFromPoll("body", view(200, {}, { provisioningState: "Succeeded" }))).toBe("succeeded");
    expect(statusFromPoll("body", view(200, {}, { properties: {} }))).toBe("succeeded");
  });
  it("only Succeeded, Failed and Canceled are terminal strings", () => {
    for (const s of ["Accepted", "Creating", "Updating", "Deleting", "Running", "Registering"]) expect(statusFromString(s)).toBe("running");
  });
});
