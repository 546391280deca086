import { describe, expect, it } from "vitest";
import { decideRetry, describeNetworkFailure, networkErrorCode, RETRYABLE_NETWORK_CODES } from "../../../src/azure/retry";

describe("describeNetworkFailure", () => {
  it("reads the code from fetch's cause and from an SDK error itself", () => {
    const fetchError = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    const sdkError = Object.assign(new Error("getaddrinfo ENOTFOUND x.blob.core.windows.net"), { code: "ENOTFOUND" });
    expect(networkErrorCode(fetchError)).toBe("ECONNREFUSED");
    expect(describeNetworkFailure(fetchError)).toMatchObject({ code: "ECONNREFUSED", brief: "ECONNREFUSED", words: "the server refused the connection (ECONNREFUSED)" });
    expect(describeNetworkFailure(sdkError, "the storage host").words).toBe("the storage host name does not resolve (ENOTFOUND)");
  });

  it("a timeout is 'timed out'; an unknown failure keeps its own message and has no words", () => {
    expect(describeNetworkFailure(Object.assign(new Error("t"), { name: "TimeoutError" }))).toMatchObject({ timedOut: true, brief: "timed out" });
    const odd = describeNetworkFailure(new Error("something else"));
    expect(odd).toMatchObject({ brief: "something else", words: undefined });
    expect(describeNetworkFailure(Object.assign(new Error("x"), { code: 23 })).code).toBeUndefined();
  });

  it("every code with words is one the retry policy retries, and the other way round", () => {
    for (const code of RETRYABLE_NETWORK_CODES) {
      expect(describeNetworkFailure(Object.assign(new Error(code), { code })).words).toMatch(new RegExp(`\\(${code}\\)$`));
      expect(decideRetry({ attempt: 0, networkErrorCode: code }, undefined, () => 0).retry).toBe(true);
    }
    expect(RETRYABLE_NETWORK_CODES.size).toBe(14);
  });
});
