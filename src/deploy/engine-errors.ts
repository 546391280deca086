/**
 * ARM errors out of Pulumi engine text. azure-native reports a failed create in one of a few shapes:
 *   - `Code="OperationNotAllowed" Message="Operation could not be completed …"` (autorest style),
 *   - `RESPONSE 409: 409 Conflict` / `ERROR CODE: QuotaExceeded` followed by the JSON error body,
 *   - an LRO failure with `"error": {"code": "…", "message": "…", "details": [...]}`.
 * The diagnostics are kept whole as well, so nothing the engine said is lost for the failover decision.
 */
import type { DeploymentArmError } from "./deployer";

/** What the engine reported, in the shape a DeploymentError carries. */
export type EngineArmError = DeploymentArmError;

function unescape(text: string): string {
  return text.replace(/\\"/g, '"').replace(/\\n/g, " ").replace(/\\\\/g, "\\");
}

/** JSON error bodies embedded in the text (`{"error": {...}}` or `{"code": ..., "message": ...}`). */
function jsonErrors(text: string): EngineArmError[] {
  const found: EngineArmError[] = [];
  for (let start = text.indexOf("{"); start >= 0; start = text.indexOf("{", start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) {
        try {
          const parsed = JSON.parse(text.slice(start, i + 1)) as { error?: unknown; code?: unknown; message?: unknown };
          const body = (parsed.error ?? parsed) as { code?: unknown; message?: unknown; details?: unknown };
          if (typeof body.code === "string") {
            found.push(toError(body));
            start = i; // skip the inner braces of this body
          }
        } catch {
          // not JSON; keep scanning
        }
        break;
      }
    }
  }
  return found;
}

function toError(body: { code?: unknown; message?: unknown; details?: unknown }): EngineArmError {
  const details = Array.isArray(body.details) ? body.details.filter((d) => d && typeof d === "object").map((d) => toError(d as never)) : undefined;
  return { code: String(body.code ?? ""), message: String(body.message ?? ""), ...(details?.length ? { details } : {}) };
}

export function armErrorsFromEngineText(text: string): EngineArmError[] {
  const errors: EngineArmError[] = [];
  for (const m of text.matchAll(/Code="([A-Za-z_]+)"\s+Message="((?:[^"\\]|\\.)*)"/g)) errors.push({ code: m[1]!, message: unescape(m[2]!) });
  errors.push(...jsonErrors(text));
  if (!errors.some((e) => e.code)) {
    const code = /ERROR CODE:\s*([A-Za-z_]+)/.exec(text)?.[1];
    if (code) errors.push({ code, message: text.trim() });
  }
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.code}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every diagnostic of severity error, parsed, plus the raw lines (code "") for anything unparsed. */
export function armErrorsFromDiagnostics(diagnostics: readonly string[]): EngineArmError[] {
  const out: EngineArmError[] = [];
  for (const text of diagnostics) {
    const parsed = armErrorsFromEngineText(text);
    out.push(...parsed);
    if (parsed.length === 0) out.push({ code: "", message: text.trim() });
  }
  return out;
}
