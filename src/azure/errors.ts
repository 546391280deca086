/**
 * ARM error bodies turned into one typed error. ARM nests the real reason: `DeploymentFailed` wraps
 * the RP's code in `details[]`, LRO status monitors carry `error`, and a few RPs answer with a
 * top-level `{code, message}` or an OData error. Callers decide on `code`/`innerCode`, never on text.
 */

export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
  additionalInfo?: unknown[];
}

export interface ArmErrorInit {
  status: number;
  code: string;
  message: string;
  details?: ArmErrorDetail[];
  target?: string;
  retryAfterMs?: number;
  requestId?: string;
  additionalInfo?: unknown[];
}

export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ArmErrorDetail[];
  /** The deepest first nested code (`DeploymentFailed` → `OperationNotAllowed`), else `code`. */
  readonly innerCode: string;
  readonly target?: string;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly additionalInfo?: unknown[];

  constructor(init: ArmErrorInit) {
    super(init.message);
    this.name = "ArmError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.target = init.target;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.additionalInfo = init.additionalInfo;
    this.innerCode = innermostCode(init.code, this.details);
  }

  /** Every code in the tree, outermost first (for "does this failure mention QuotaExceeded anywhere"). */
  allCodes(): string[] {
    const codes = [this.code];
    const walk = (ds: ArmErrorDetail[]) => {
      for (const d of ds) {
        codes.push(d.code);
        if (d.details) walk(d.details);
      }
    };
    walk(this.details);
    return codes;
  }
}

function innermostCode(code: string, details: ArmErrorDetail[]): string {
  let current = code;
  let level = details;
  while (level.length > 0 && level[0].code) {
    current = level[0].code;
    level = level[0].details ?? [];
  }
  return current;
}

function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

function parseDetail(raw: unknown): ArmErrorDetail | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const o = raw as Record<string, unknown>;
  const code = asString(o.code);
  if (!code) return undefined;
  const message = asString(o.message) ?? "";
  const details = Array.isArray(o.details)
    ? o.details.map(parseDetail).filter((d): d is ArmErrorDetail => d !== undefined)
    : undefined;
  return {
    code,
    message,
    target: asString(o.target),
    details: details && details.length > 0 ? details : undefined,
    additionalInfo: Array.isArray(o.additionalInfo) ? o.additionalInfo : undefined,
  };
}

/** Finds the error object in any of the shapes ARM and RPs use, or undefined. */
export function extractErrorDetail(body: unknown): ArmErrorDetail | undefined {
  if (!body || typeof body !== "object") return undefined;
  const o = body as Record<string, unknown>;
  if (o.error && typeof o.error === "object") return parseDetail(o.error);
  const odata = o["odata.error"];
  if (odata && typeof odata === "object") {
    const od = odata as Record<string, unknown>;
    const msg = od.message && typeof od.message === "object" ? asString((od.message as Record<string, unknown>).value) : asString(od.message);
    const code = asString(od.code);
    if (code) return { code, message: msg ?? "" };
  }
  return parseDetail(o);
}

export interface ParseErrorInput {
  status: number;
  bodyText?: string;
  body?: unknown;
  retryAfterMs?: number;
  requestId?: string;
}

/** Builds an ArmError from an HTTP error response; unknown shapes keep the status and a short text. */
export function parseArmError(input: ParseErrorInput): ArmError {
  let body = input.body;
  if (body === undefined && input.bodyText) {
    try {
      body = JSON.parse(input.bodyText);
    } catch {
      body = undefined;
    }
  }
  const detail = extractErrorDetail(body);
  if (detail) {
    return new ArmError({
      status: input.status,
      code: detail.code,
      message: detail.message,
      details: detail.details,
      target: detail.target,
      additionalInfo: detail.additionalInfo,
      retryAfterMs: input.retryAfterMs,
      requestId: input.requestId,
    });
  }
  const text = (input.bodyText ?? "").replace(/\s+/g, " ").trim().slice(0, 200);
  return new ArmError({
    status: input.status,
    code: statusCode(input.status),
    message: text || `HTTP ${input.status}`,
    retryAfterMs: input.retryAfterMs,
    requestId: input.requestId,
  });
}

function statusCode(status: number): string {
  switch (status) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 408: return "RequestTimeout";
    case 409: return "Conflict";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return `Http${status}`;
  }
}

/**
 * The error of a long-running operation that ended Failed or Canceled: the status monitor's (or the
 * resource's) error object when there is one, else a code that says which of the two it was.
 */
export function operationFailureError(status: number, body: unknown, outcome: "failed" | "canceled"): ArmError {
  const detail = extractErrorDetail(body);
  if (detail) {
    return new ArmError({ status: status >= 400 ? status : 200, code: detail.code, message: detail.message, details: detail.details, target: detail.target });
  }
  // Some status monitors (Azure ML's) give the error a message but no code.
  const error = body && typeof body === "object" ? (body as { error?: { message?: unknown } }).error : undefined;
  const message = typeof error?.message === "string" && error.message ? error.message : undefined;
  return new ArmError({
    status: status >= 400 ? status : 200,
    code: outcome === "canceled" ? "OperationCanceled" : "OperationFailed",
    message: message ?? `The operation ${outcome === "canceled" ? "was canceled" : "failed"} without an error body (HTTP ${status}).`,
  });
}
