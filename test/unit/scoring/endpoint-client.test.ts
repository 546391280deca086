import { describe, expect, it } from "vitest";
import { EndpointError, sendScoringRequest } from "../../../src/scoring/endpoint-client";

/** What a throttled endpoint's Retry-After turns into in the one-line error. */
const throttledWith = (retryAfter: string | undefined) =>
  (async () => new Response("slow down", { status: 429, headers: retryAfter === undefined ? {} : { "retry-after": retryAfter } })) as unknown as typeof fetch;

async function failureFor(retryAfter: string | undefined): Promise<string> {
  const error = await sendScoringRequest({ url: "https://endpoint.example/score", kind: "managed" }, { inputs: [] }, { fetch: throttledWith(retryAfter) }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EndpointError);
  return (error as Error).message;
}

describe("a throttled endpoint's Retry-After", () => {
  it("in seconds is repeated", async () => {
    expect(await failureFor("30")).toBe("https://endpoint.example/score is throttling requests (HTTP 429); retry after 30 s");
  });

  it("as an HTTP-date becomes seconds from now", async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(await failureFor(inAMinute)).toMatch(/; retry after (59|60) s$/);
  });

  it("negative, garbage or missing: 'retry later' (never 'retry after -5 s' or '0 s')", async () => {
    for (const value of ["-5", "soon", undefined]) {
      expect(await failureFor(value)).toBe("https://endpoint.example/score is throttling requests (HTTP 429); retry later");
    }
  });
});

describe("a connection closed before any answer", () => {
  async function serve(handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void) {
    const http = await import("node:http");
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    return { url: `http://127.0.0.1:${port}/invocations`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it("is tried once more, since scoring has no side effects", async () => {
    let requests = 0;
    const server = await serve((req, res) => {
      requests++;
      if (requests === 1) return req.socket.destroy();
      res.setHeader("content-type", "application/json");
      res.end('{"predictions": [1]}');
    });
    try {
      const result = await sendScoringRequest({ url: server.url, kind: "mlflow" }, { dataframe_split: { columns: ["a"], data: [[1]] } });
      expect(result.predictions.values).toEqual([1]);
      expect(requests).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("twice in a row is reported as unreachable", async () => {
    let requests = 0;
    const server = await serve((req) => {
      requests++;
      req.socket.destroy();
    });
    try {
      const error = await sendScoringRequest({ url: server.url, kind: "mlflow" }, { inputs: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EndpointError);
      expect((error as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ is unreachable \(/);
      expect(requests).toBe(2);
    } finally {
      await server.close();
    }
  });
});
