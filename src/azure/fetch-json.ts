/**
 * One HTTP request over the global fetch, its answer read as JSON when it is JSON (anything else, or an
 * empty body, reads as undefined) and its headers as a record with lower-case names. Error statuses come
 * back as answers; the caller decides what to retry (retry.ts). Used by the dynamic providers, which
 * Pulumi serializes and runs in its own process: it uses nothing but its arguments and globals.
 */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, any> | undefined;
}

export async function fetchJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number } = {},
): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers: { ...init.headers, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    ...(init.timeoutMs !== undefined ? { signal: AbortSignal.timeout(init.timeoutMs) } : {}),
  });
  const text = await response.text();
  let body: Record<string, any> | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return { status: response.status, headers, body };
}
