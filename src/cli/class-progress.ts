import type { MultiBar, SingleBar } from "cli-progress";
import type { UnitEvent, UnitPhase } from "../classroom/class-up";
import { showProgressBar } from "./output-mode";

/**
 * `class up`'s live progress: on a terminal one row per learner (or shared workspace) that changes in
 * place (queued → deploying → ready/failed, with the region and the URL or the reason); elsewhere one
 * line per change on stderr; nothing with --json.
 */
const STEP: Record<UnitPhase, number> = { queued: 0, deploying: 1, ready: 2, failed: 2, unplaced: 2, skipped: 2 };

export function classProgress(json: boolean, stream: NodeJS.WriteStream = process.stderr): { onEvent(event: UnitEvent): void; stop(): void } {
  if (json) return { onEvent: () => undefined, stop: () => undefined };
  if (!showProgressBar(stream)) {
    return {
      onEvent: (e) => stream.write(`${e.learners.join(", ")}: ${e.phase}${e.region ? ` in ${e.region}` : ""}${e.detail ? ` (${e.detail})` : ""}\n`),
      stop: () => undefined,
    };
  }
  // require, not import(): the CLI runs as CommonJS through tsx (see output-mode.ts).
  const progress = require("cli-progress") as typeof import("cli-progress");
  const multi: MultiBar = new progress.MultiBar(
    { format: "{who} [{bar}] {phase} {region} {detail}", barsize: 10, hideCursor: true, clearOnComplete: false, stream, autopadding: true },
    progress.Presets.shades_classic,
  );
  const rows = new Map<string, SingleBar>();
  return {
    onEvent(e) {
      const payload = { who: e.learners.join(", ").slice(0, 36).padEnd(36), phase: e.phase.padEnd(9), region: (e.region ?? "").padEnd(14), detail: (e.detail ?? "").slice(0, 60) };
      let row = rows.get(e.unit);
      if (!row) {
        row = multi.create(2, STEP[e.phase], payload);
        rows.set(e.unit, row);
      } else {
        row.update(STEP[e.phase], payload);
      }
    },
    stop: () => multi.stop(),
  };
}
