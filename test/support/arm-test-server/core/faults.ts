/**
 * Fault injection by route pattern: error statuses (with a count and/or a probability), dropped
 * connections, added latency, LRO failures (the next operation a matching request starts ends Failed
 * with the given error) and stuck LROs (it never ends: a delete Azure never finishes).
 */
import type { ArmErrorBody } from "./errors";

export interface FaultSpec {
  /** Which requests: method(s) and a path regex (string sources are case-insensitive). Default all. */
  match?: { method?: string | string[]; path?: string | RegExp };
  kind: "status" | "drop" | "latency" | "lro-failure" | "lro-stuck";
  /** kind "status": HTTP status (default 503) and optional ARM code/message/Retry-After seconds. */
  status?: number;
  code?: string;
  message?: string;
  retryAfterSeconds?: number;
  /** kind "latency": real milliseconds added before the request is handled. */
  latencyMs?: number;
  /** kind "lro-failure": the error the operation ends with. */
  error?: ArmErrorBody;
  /** Fire at most this many times (default unlimited). */
  count?: number;
  /** Chance of firing per matching request, 0..1 (default 1). Uses the server's seeded random. */
  probability?: number;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** How many times it fired so far. */
  readonly fired: number;
  remove(): void;
}

interface ActiveFault {
  spec: FaultSpec;
  regex?: RegExp;
  methods?: string[];
  fired: number;
  removed: boolean;
}

export interface FaultDecision {
  latencyMs: number;
  action?: { kind: "status"; spec: FaultSpec } | { kind: "drop" };
}

export class FaultInjector {
  private readonly faults: ActiveFault[] = [];

  constructor(private readonly random: () => number) {}

  add(spec: FaultSpec): FaultHandle {
    const path = spec.match?.path;
    const m = spec.match?.method;
    const f: ActiveFault = {
      spec,
      regex: path === undefined ? undefined : typeof path === "string" ? new RegExp(path, "i") : path,
      methods: m === undefined ? undefined : (Array.isArray(m) ? m : [m]).map((x) => x.toUpperCase()),
      fired: 0,
      removed: false,
    };
    this.faults.push(f);
    const faults = this.faults;
    return {
      spec,
      get fired() {
        return f.fired;
      },
      remove() {
        f.removed = true;
        const i = faults.indexOf(f);
        if (i >= 0) faults.splice(i, 1);
      },
    };
  }

  clear(): void {
    this.faults.splice(0, this.faults.length);
  }

  private fires(f: ActiveFault, method: string, path: string): boolean {
    if (f.removed) return false;
    if (f.methods && !f.methods.includes(method)) return false;
    if (f.regex && !f.regex.test(path)) return false;
    if (f.spec.count !== undefined && f.fired >= f.spec.count) return false;
    if (f.spec.probability !== undefined && this.random() >= f.spec.probability) return false;
    return true;
  }

  /** What happens to this request: summed latency and the first status/drop fault that fires. */
  decide(method: string, path: string): FaultDecision {
    let latencyMs = 0;
    let action: FaultDecision["action"];
    for (const f of this.faults) {
      if (f.spec.kind === "lro-failure" || f.spec.kind === "lro-stuck") continue;
      if (f.spec.kind !== "latency" && action) continue;
      if (!this.fires(f, method, path)) continue;
      f.fired++;
      if (f.spec.kind === "latency") latencyMs += f.spec.latencyMs ?? 0;
      else if (f.spec.kind === "drop") action = { kind: "drop" };
      else action = { kind: "status", spec: f.spec };
    }
    return { latencyMs, action };
  }

  /** The error a newly started operation must end with, if an lro-failure fault matches. */
  lroFailure(method: string, path: string): ArmErrorBody | undefined {
    for (const f of this.faults) {
      if (f.spec.kind !== "lro-failure") continue;
      if (!this.fires(f, method, path)) continue;
      f.fired++;
      return f.spec.error ?? { code: "InternalServerError", message: "Injected operation failure." };
    }
    return undefined;
  }

  /** Whether a newly started operation must never finish (an lro-stuck fault matches). */
  lroStuck(method: string, path: string): boolean {
    for (const f of this.faults) {
      if (f.spec.kind !== "lro-stuck") continue;
      if (!this.fires(f, method, path)) continue;
      f.fired++;
      return true;
    }
    return false;
  }
}
