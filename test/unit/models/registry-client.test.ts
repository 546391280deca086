import { describe, expect, it } from "vitest";
import { MlflowApiError, MlflowRegistryClient, MlflowUnreachableError } from "../../../src/models/registry-client";

/**
 * The registry client takes a tracking URI's user:password out of the URL itself, whoever builds it
 * (not only the CLI): requests carry it as basic auth and no message built from the URI carries it.
 */
const PASSWORD = "pa55-Word-in-the-URI";

function recordingFetch(answer: () => Response | Promise<Response>) {
  const seen: Array<{ url: string; authorization?: string }> = [];
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    seen.push({ url: String(url), authorization: (init?.headers as Record<string, string> | undefined)?.authorization });
    return answer();
  }) as typeof fetch;
  return { seen, fetchImpl };
}

const errorOf = async (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e as Error);

describe("a tracking URI with user:password, given straight to the client", () => {
  it("is sent as basic auth to a URL without them, and an error names the server without the password", async () => {
    const { seen, fetchImpl } = recordingFetch(() => new Response("denied", { status: 401 }));
    const client = new MlflowRegistryClient({ trackingUri: `http://alice:${PASSWORD}@mlflow.example:5000/`, fetch: fetchImpl });
    expect(client.baseUrl).toBe("http://mlflow.example:5000");
    const error = await errorOf(client.getRun("abc123"));
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error!.message).toBe("http://mlflow.example:5000 refused the credentials (HTTP 401); set MLFLOW_TRACKING_TOKEN, MLFLOW_TRACKING_USERNAME/PASSWORD or DATABRICKS_TOKEN");
    expect(seen[0]!.url).toBe("http://mlflow.example:5000/api/2.0/mlflow/runs/get?run_id=abc123");
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from(`alice:${PASSWORD}`).toString("base64")}`);
  });

  it("an unreachable server is named without the password", async () => {
    const { fetchImpl } = recordingFetch(() => {
      throw Object.assign(new TypeError(`fetch failed for http://alice:${PASSWORD}@mlflow.example`), { cause: { code: "ECONNREFUSED" } });
    });
    const error = await errorOf(new MlflowRegistryClient({ trackingUri: `http://alice:${PASSWORD}@mlflow.example`, fetch: fetchImpl }).getRun("r"));
    expect(error).toBeInstanceOf(MlflowUnreachableError);
    expect(error!.message).toBe("MLflow tracking server http://mlflow.example is unreachable (ECONNREFUSED)");
  });

  it("credentials from the environment (passed as auth) win over the URI's, as in MLflow", async () => {
    const { seen, fetchImpl } = recordingFetch(() => new Response(JSON.stringify({ run: { info: { run_id: "r" }, data: {} } })));
    await new MlflowRegistryClient({ trackingUri: `https://alice:${PASSWORD}@mlflow.example`, auth: { kind: "bearer", token: "env-token" }, fetch: fetchImpl }).getRun("r");
    expect(seen[0]).toEqual({ url: "https://mlflow.example/api/2.0/mlflow/runs/get?run_id=r", authorization: "Bearer env-token" });
  });

  it.each([`ftp://alice:${PASSWORD}@mlflow.example`, `alice:${PASSWORD}@mlflow.example`])("a URI that is not http(s) (%s) is refused without echoing the password", (uri) => {
    const error = (() => {
      try {
        new MlflowRegistryClient({ trackingUri: uri });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error!.message).toMatch(/is not an http\(s\) URL$/);
    expect(error!.message).not.toContain(PASSWORD);
  });
});
