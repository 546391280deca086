/**
 * ARM_TEST_SERVER_LOG=<file>: one JSON line per request received, so a test can check what a client
 * sent against the REST spec of its api-version. The Authorization header is never written.
 */
import { appendFileSync } from "node:fs";

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

const NEVER_LOGGED = new Set(["authorization", "x-ms-authorization-auxiliary", "cookie"]);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!NEVER_LOGGED.has(k.toLowerCase())) out[k] = v;
  return out;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  constructor(private readonly file?: string) {}

  write(entry: LoggedRequest): void {
    const safe = { ...entry, headers: redactHeaders(entry.headers) };
    this.entries.push(safe);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(safe)}\n`);
  }
}
