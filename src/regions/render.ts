import Table from "cli-table3";
import type { Demand } from "./demand";
import type { Headroom, NodeTypeAttempt, RegionVerdict, SelectionResult } from "./evaluate";
import type { RegionSignalsSnapshot } from "./signals";

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

function verdictWord(verdict: RegionVerdict): string {
  if (verdict.rank === 1) return "CHOSEN";
  return verdict.eligible ? "eligible" : "excluded";
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
    head: ["#", "Region", "Verdict", "Family free", "Cores free", "Spare", "Reasons / notes"],
    chars: COMPACT_BORDERS,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    wordWrap: true,
    colWidths: [3, 19, 9, 12, 11, 6, 72],
  });
  for (const verdict of verdicts) {
    const why = verdict.eligible ? verdict.notes.join("; ") : verdict.reasons.map((r) => r.text).join("; ");
    const h = verdict.headroom;
    table.push([
      verdict.rank ?? "",
      verdict.region,
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
    `${demand.nodeTypes[0]} x ${demand.nodes} node${demand.nodes === 1 ? "" : "s"}${fallbacks.length ? `, fallbacks ${fallbacks.join(", ")}` : ""}${tried}`,
    `needs ${demand.resourceTypes.join(", ")}`,
    ...(demand.stackVms ?? []).map((vm) => `${vm.role} ${vm.count} x ${vm.vmSize} (${vm.quota === "azureml" ? "Azure ML quota" : "compute quota"})`),
    demand.servingRequired ? `model serving (${demand.servingReason})` : "",
  ].filter(Boolean).join("; ");
}

export function selectionReport(result: SelectionResult, snapshot: RegionSignalsSnapshot, source: SignalsSource, demand: Demand): string {
  const sub = snapshot.subscription;
  const lines = [
    `Signals:      ${describeSource(source, snapshot)}`,
    `Subscription: ${sub.displayName ? `${sub.displayName} ` : ""}(${sub.id}) ${sub.state}${sub.quotaId ? `, ${sub.quotaId}` : ""}`,
    `Serving list: ${snapshot.modelServing.source}, ${snapshot.modelServing.retrievedAt}`,
    `Demand:       ${demandText(demand, result.nodeTypesTried)}`,
    `Choice:       ${result.choice.region} with ${result.choice.nodeType} (${headroomText(result.choice.headroom)}): ${result.choice.why}`,
    `Seed:         ${result.seed} (pass --seed ${result.seed} to reproduce the tie-break)`,
    verdictTable(result.verdicts),
  ];
  return `${lines.join("\n")}\n`;
}

export function noEligibleReport(verdicts: readonly RegionVerdict[], snapshot: RegionSignalsSnapshot, source: SignalsSource, demand: Demand): string {
  return [
    `Signals:      ${describeSource(source, snapshot)}`,
    `Demand:       ${demandText(demand)}`,
    `Choice:       none (verdicts for ${demand.nodeTypes[0]} below)`,
    verdictTable(verdicts),
  ].join("\n") + "\n";
}

export interface SelectionJson {
  signals: { source: SignalsSource["kind"]; detail?: string; capturedAt: string; example?: string; subscription: RegionSignalsSnapshot["subscription"]; modelServing: { source: string; retrievedAt: string } };
  demand: Demand;
  seed: string;
  choice: SelectionResult["choice"] | null;
  error?: string;
  nodeTypesTried: NodeTypeAttempt[];
  verdicts: RegionVerdict[];
}

export function selectionJson(
  snapshot: RegionSignalsSnapshot,
  source: SignalsSource,
  demand: Demand,
  seed: string,
  outcome: { result: SelectionResult } | { error: string; nodeTypesTried: NodeTypeAttempt[]; verdicts: RegionVerdict[] },
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
      ? { choice: outcome.result.choice, nodeTypesTried: outcome.result.nodeTypesTried, verdicts: outcome.result.verdicts }
      : { choice: null, error: outcome.error, nodeTypesTried: outcome.nodeTypesTried, verdicts: outcome.verdicts }),
  };
}
