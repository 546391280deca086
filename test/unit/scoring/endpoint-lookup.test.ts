import { describe, expect, it } from "vitest";
import { endpointFromOutputs } from "../../../src/scoring/endpoint-lookup";
import { describeFailure, scoringUrl } from "../../../src/scoring/endpoint-client";

describe("finding an endpoint in stack outputs", () => {
  // The shape the lab program exports (src/lab/index.ts LabOutputs).
  const outputs = {
    endpoints: {
      "churn-aci": { kind: "aci", scoringUri: "http://churn-aci-abc1234.westeurope.azurecontainer.io/invocations" },
      "churn-online": { kind: "managed", scoringUri: "https://churn-online-abc1234.westeurope.inference.ml.azure.com/score" },
      "predict-penguin": { kind: "databricks", scoringUri: "https://adb-1.2.azuredatabricks.net/serving-endpoints/predict-penguin/invocations" },
    },
    endpointKeys: { "churn-aci": "k-aci", "churn-online": "k-aml" },
  };

  it("finds an endpoint by name with its kind, URL and key", () => {
    expect(endpointFromOutputs(outputs, "churn-online", {})).toEqual({
      name: "churn-online",
      kind: "managed",
      url: "https://churn-online-abc1234.westeurope.inference.ml.azure.com/score",
      key: "k-aml",
      keySource: "the stack output endpointKeys.churn-online",
    });
  });

  it("uses DATABRICKS_TOKEN for the Databricks serving endpoint", () => {
    expect(endpointFromOutputs(outputs, "predict-penguin", { DATABRICKS_TOKEN: "dapi" })).toMatchObject({ kind: "databricks", key: "dapi", keySource: "DATABRICKS_TOKEN" });
  });

  it("says when an endpoint has no scoring URL yet", () => {
    expect(() => endpointFromOutputs({ endpoints: { a: { kind: "aks" } } }, "a", {})).toThrow('endpoint "a" has no scoring URL in the stack outputs yet (is it deployed?)');
  });

  it("lists the known endpoints when the name is wrong", () => {
    expect(() => endpointFromOutputs(outputs, "nope", {})).toThrow('no endpoint "nope" in the stack outputs (endpoints: churn-aci, churn-online, predict-penguin)');
  });
});

describe("endpoint URLs and failure messages", () => {
  it("adds /invocations to a bare MLflow server URL only", () => {
    expect(scoringUrl("http://127.0.0.1:5000", "mlflow")).toBe("http://127.0.0.1:5000/invocations");
    expect(scoringUrl("https://x.inference.ml.azure.com/score", "managed")).toBe("https://x.inference.ml.azure.com/score");
  });

  it("never repeats the key, even when the reply echoes it", () => {
    const target = { url: "https://x/score", kind: "managed" as const, key: "s3cr3t-key", keySource: "--key-env K" };
    const message = describeFailure(400, '{"message": "bad header Bearer s3cr3t-key"}', target);
    expect(message).not.toContain("s3cr3t-key");
    expect(describeFailure(401, "", target)).toBe("https://x/score answered HTTP 401 (unauthorized): the key from --key-env K was refused");
    expect(describeFailure(429, "", target, 7)).toContain("retry after 7 s");
    expect(describeFailure(503, "upstream down", target)).toContain("failed with HTTP 503: upstream down");
  });
});
