import Table from "cli-table3";
import type { Demand } from "./demand";
import type { Headroom, NodeTypeAttempt, RegionVerdict, SelectionResult } from "./evaluate";
import { userGeography } from "./geography";
import type { RegionSignalsSnapshot } from "./signals";
import { describeCompute } from "../config/compute";

/**
 * How a selection looks to people (a table, the choice on top) and to scripts (--json: the same data).
 */

export interface SignalsSource {
  kind: "live" | "file" | "example";
  /** File path for `file`, subscription for `live`. */
  detail?: string;
}

export function describeSource(source: SignalsSource, snapshot: RegionSignalsSnapshot): string {
  if (snapshot.example) return `${snapshot.example.label} (bundled ${source.detail ?? "example"})`;
  if (source.kind === "file") return `snapshot ${source.detail} captured ${snapshot.capturedAt}`;
  return `live signals read ${snapshot.capturedAt}`;
}

export function headroomText(headroom: Headroom | null): string {
  if (!headroom) return "";
  const family = headroom.family ? `${headroom.family.name} ${headroom.family.free}/${headroom.family.limit}` : "family ?";
  const cores = headroom.cores ? `cores ${headroom.cores.free}/${headroom.cores.limit}` : "cores ?";
  return `${family}, ${cores} free`;
}

/** Eligible by every signal read, but its quota (or size) could not be read: not a plain "eligible". */
export function isUnverified(verdict: RegionVerdict): boolean {
  const h = verdict.headroom;
  return verdict.eligible && (h === null || h.family === null || h.cores === null);
}

function verdictWord(verdict: RegionVerdict): string {
  if (verdict.rank === 1) return isUnverified(verdict) ? "CHOSEN?" : "CHOSEN";
  if (!verdict.eligible) return "excluded";
  return isUnverified(verdict) ? "unverified" : "eligible";
}

const COMPACT_BORDERS = {
  top: "", "top-mid": "", "top-left": "", "top-right": "",
  bottom: "", "bottom-mid": "", "bottom-left": "", "bottom-right": "",
  left: "", "left-mid": "", mid: "", "mid-mid": "",
  right: "", "right-mid": "", middle: "  ",
};

function freeCell(part: { free: number; limit: number } | null | undefined, known: boolean): string {
  if (!known) return "";
  return part ? `${part.free}/${part.limit}` : "?";
}

export function verdictTable(verdicts: readonly RegionVerdict[]): string {
  const table = new Table({
    head: ["#", "Region", "Geography", "Verdict", "Family free", "Cores free", "Spare", "Reasons / notes"],
    chars: COMPACT_BORDERS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    wordWrap: true,
    colWidths: [3, 19, 14, 10, 12, 11, 6, 66],
  });
  for (const verdict of verdicts) {
    const why = verdict.eligible ? verdict.notes.join("; ") : verdict.reasons.map((r) => r.text).join("; ");
    const h = verdict.headroom;
    table.push([
      verdict.rank ?? "",
      verdict.region,
      verdict.geography ?? "?",
      verdictWord(verdict),
      freeCell(h?.family, h !== null),
      freeCell(h?.cores, h !== null),
      h?.spare != null ? String(h.spare) : "",
      why,
    ]);
  }
  return table.toString().split("\n").map((line) => line.trimEnd()).join("\n");
}

export function demandText(demand: Demand, nodeTypesTried?: readonly NodeTypeAttempt[]): string {
  const fallbacks = demand.nodeTypes.slice(1);
  const tried = nodeTypesTried && nodeTypesTried.length > 1 ? ` (tried ${nodeTypesTried.map((t) => `${t.nodeType}: ${t.eligibleRegions} eligible`).join(", ")})` : "";
  return [
    demand.compute === "serverless"
      ? "serverless compute (no VMs), a region with serverless workspaces"
      : `${demand.nodeTypes[0]} x ${demand.nodes} node${demand.nodes === 1 ? "" : "s"}${fallbacks.length ? `, fallbacks ${fallbacks.join(", ")}` : ""}${tried}`,
    `needs ${demand.resourceTypes.join(", ")}`,
    ...(demand.stackVms ?? []).map((vm) => `${vm.role} ${vm.count} x ${vm.vmSize} (${vm.quota === "azureml" ? "Azure ML quota" : "compute quota"})`),
    demand.servingRequired ? `model serving (${demand.servingReason})` : "",
  ].filter(Boolean).join("; ");
}

/** Where the user is, when something says so: its geography ranks first. */
function nearLine(snapshot: RegionSignalsSnapshot, demand: Demand): string[] {
  const user = userGeography(snapshot.regions, demand.preferredRegion, demand.location);
  return user ? [`Near:         ${user.geography} (${user.because}): its regions rank first`] : [];
}

/** The lines above the table: where the signals came from, the subscription, the serving list, the demand, the choice, the seed. */
function headerLines(snapshot: RegionSignalsSnapshot, source: SignalsSource, demand: Demand, seed: string, choice: string, notes: readonly string[], nodeTypesTried?: readonly NodeTypeAttempt[]): string[] {
  const sub = snapshot.subscription;
  return [
    `Signals:      ${describeSource(source, snapshot)}`,
    `Subscription: ${sub.displayName ? `${sub.displayName} ` : ""}(${sub.id}) ${sub.state}${sub.quotaId ? `, ${sub.quotaId}` : ""}`,
    `Serving list: ${snapshot.modelServing.source}, ${snapshot.modelServing.retrievedAt}`,
    `Compute:      ${describeCompute(demand.compute ?? "classic", demand.nodeTypes[0]!)}`,
    `Demand:       ${demandText(demand, nodeTypesTried)}`,
    ...nearLine(snapshot, demand),
    ...(notes.length > 0 ? [`Notes:        ${notes.join("; ")} (every region)`] : []),
    `Choice:       ${choice}`,
    `Seed:         ${seed} (pass --seed ${seed} to reproduce the tie-break)`,
  ];
}

export function selectionReport(result: SelectionResult, snapshot: RegionSignalsSnapshot, source: SignalsSource, demand: Demand): string {
  const choice =
    demand.compute === "serverless"
      ? `${result.choice.region}: ${result.choice.why}`
      : `${result.choice.region} with ${result.choice.nodeType} (${headroomText(result.choice.headroom)}): ${result.choice.why}`;
  const lines = [...headerLines(snapshot, source, demand, result.seed, choice, result.notes, result.nodeTypesTried), verdictTable(result.verdicts)];
  return `${lines.join("\n")}\n`;
}

/** No region chosen: the same header (the subscription and serving list matter most now), then the verdicts if any were made. */
export function noEligibleReport(
  verdicts: readonly RegionVerdict[],
  snapshot: RegionSignalsSnapshot,
  source: SignalsSource,
  demand: Demand,
  outcome: { seed: string; notes: readonly string[]; nodeTypesTried?: readonly NodeTypeAttempt[]; message: string },
): string {
  const forNodeType = demand.compute === "serverless" ? "" : `for ${demand.nodeTypes[0]} `;
  const choice = verdicts.length > 0 ? `none (verdicts ${forNodeType}below)` : `none: ${outcome.message}`;
  const lines = headerLines(snapshot, source, demand, outcome.seed, choice, outcome.notes, outcome.nodeTypesTried);
  if (verdicts.length > 0) lines.push(verdictTable(verdicts));
  return `${lines.join("\n")}\n`;
}

export interface SelectionJson {
  signals: { source: SignalsSource["kind"]; detail?: string; capturedAt: string; example?: string; subscription: RegionSignalsSnapshot["subscription"]; modelServing: { source: string; retrievedAt: string } };
  demand: Demand;
  seed: string;
  choice: SelectionResult["choice"] | null;
  error?: string;
  nodeTypesTried: NodeTypeAttempt[];
  /** Caveats for the whole subscription, said once. */
  notes: string[];
  verdicts: RegionVerdict[];
}

export function selectionJson(
  snapshot: RegionSignalsSnapshot,
  source: SignalsSource,
  demand: Demand,
  seed: string,
  outcome: { result: SelectionResult } | { error: string; nodeTypesTried: NodeTypeAttempt[]; notes: string[]; verdicts: RegionVerdict[] },
): SelectionJson {
  return {
    signals: {
      source: source.kind,
      detail: source.detail,
      capturedAt: snapshot.capturedAt,
      example: snapshot.example?.label,
      subscription: snapshot.subscription,
      modelServing: { source: snapshot.modelServing.source, retrievedAt: snapshot.modelServing.retrievedAt },
    },
    demand,
    seed,
    ...("result" in outcome
      ? { choice: outcome.result.choice, nodeTypesTried: outcome.result.nodeTypesTried, notes: outcome.result.notes, verdicts: outcome.result.verdicts }
      : { choice: null, error: outcome.error, nodeTypesTried: outcome.nodeTypesTried, notes: outcome.notes, verdicts: outcome.verdicts }),
  };
}
