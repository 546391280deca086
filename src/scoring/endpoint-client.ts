import { performance } from "node:perf_hooks";
import { describeNetworkFailure, networkErrorCode, parseRetryAfterMs } from "../azure/retry";
import type { EndpointKind } from "./payload";
import { parsePredictions, ScoringResponseError, type Predictions } from "./response";

/**
 * Sends one scoring request with the auth header the endpoint kind expects and turns HTTP failures into
 * one-line messages. The key is only ever placed in the Authorization header: never in messages (reply
 * bodies are scrubbed of it too, in case a proxy echoes the request).
 */

export interface ScoringTarget {
  url: string;
  kind: EndpointKind;
  /** Azure ML endpoint key / AML token, our ACI proxy's key, or a Databricks token. */
  key?: string;
  /** Where the key came from, for messages ("--key-env SCORE_KEY", "stack output ..."). */
  keySource?: string;
  /** Azure ML: send to this deployment regardless of the endpoint's traffic split. */
  deployment?: string;
}

export interface ScoreResult {
  predictions: Predictions;
  status: number;
  /** Request sent to reply fully read. */
  latencyMs: number;
  url: string;
}

export class EndpointError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "EndpointError";
  }
}

/** `--url http://127.0.0.1:5000` means the MLflow server's /invocations. */
export function scoringUrl(url: string, kind: EndpointKind): string {
  const parsed = new URL(url);
  if ((kind === "mlflow" || kind === "aci") && (parsed.pathname === "/" || parsed.pathname === "")) parsed.pathname = "/invocations";
  return parsed.toString();
}

function scrub(text: string, key?: string): string {
  let out = text.replace(/\s+/g, " ").trim();
  if (key) out = out.split(key).join("***");
  return out.length > 300 ? `${out.slice(0, 300)}...` : out;
}

function replyMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown; error_code?: unknown };
    const message = parsed.message ?? (typeof parsed.error === "string" ? parsed.error : undefined) ?? (parsed.error as { message?: unknown })?.message;
    if (typeof message === "string") return message.split("\n")[0]!;
  } catch {
    // plain text or HTML
  }
  return body;
}

/** The endpoint's Retry-After in whole seconds (the ARM pipeline's parser: seconds or an HTTP-date). */
function retryAfterSeconds(headers: Headers): number | undefined {
  const ms = parseRetryAfterMs((name) => headers.get(name) ?? undefined, Date.now());
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

export function describeFailure(status: number, body: string, target: ScoringTarget, retryAfter?: number): string {
  const where = new URL(target.url).origin + new URL(target.url).pathname;
  const detail = scrub(replyMessage(body), target.key);
  if (status === 401 || status === 403) {
    const hint = target.key
      ? `the key from ${target.keySource ?? "the stack outputs"} was refused`
      : "no key was sent; pass --key-env <VAR> naming an environment variable that holds it";
    return `${where} answered HTTP ${status} (${status === 401 ? "unauthorized" : "forbidden"}): ${hint}`;
  }
  if (status === 404) return `${where} answered HTTP 404: no scoring route there (MLflow servers score at /invocations; check the endpoint name or --url)`;
  if (status === 415) return `${where} answered HTTP 415: it does not take application/json at this path`;
  if (status === 429) return `${where} is throttling requests (HTTP 429)${retryAfter !== undefined ? `; retry after ${retryAfter} s` : "; retry later"}`;
  if (status >= 500) return `${where} failed with HTTP ${status}${detail ? `: ${detail}` : ""} (the endpoint or its model is unhealthy; retry, or check its logs)`;
  return `${where} rejected the request with HTTP ${status}${detail ? `: ${detail}` : ""}`;
}

export async function sendScoringRequest(target: ScoringTarget, payload: unknown, options: { timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<ScoreResult> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (target.key) headers.authorization = `Bearer ${target.key}`;
  if (target.deployment) headers["azureml-model-deployment"] = target.deployment;
  const body = JSON.stringify(payload);
  const started = performance.now();
  let response: Response;
  let text: string;
  const send = async () => {
    const answer = await (options.fetch ?? fetch)(target.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    return { answer, answerText: await answer.text() };
  };
  try {
    let sent;
    try {
      sent = await send();
    } catch (error) {
      // A kept-alive connection the server closed while it sat idle fails before any answer; scoring has
      // no side effects, so one fresh attempt is safe (servers close idle connections after ~5 s).
      if (!closedBeforeAnswer(error)) throw error;
      sent = await send();
    }
    response = sent.answer;
    text = sent.answerText;
  } catch (error) {
    const reason = describeNetworkFailure(error).brief;
    throw new EndpointError(`${new URL(target.url).origin} is unreachable (${originsOnly(scrub(reason, target.key))})`);
  }
  const latencyMs = performance.now() - started;
  if (!response.ok) {
    throw new EndpointError(describeFailure(response.status, text, target, retryAfterSeconds(response.headers)), response.status);
  }
  let predictions: Predictions;
  try {
    predictions = parsePredictions(text);
  } catch (error) {
    // The message quotes the reply, which may echo the request (and so the key).
    if (error instanceof ScoringResponseError) throw new ScoringResponseError(scrub(error.message, target.key));
    throw error;
  }
  return { predictions, status: response.status, latencyMs, url: target.url };
}

function closedBeforeAnswer(error: unknown): boolean {
  const code = networkErrorCode(error);
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET";
}

/** URLs in a runtime's error text cut to their origin: paths and queries may carry keys or SAS. */
function originsOnly(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s'"<>]+/gi, (url) => {
    try {
      return new URL(url).origin;
    } catch {
      return url.split(/[?#]/)[0]!;
    }
  });
}
