/**
 * The guards that stand between a decision list and the first DELETE: dry-run unless `--yes`, and the
 * `--max` blast-radius cap, checked before anything is sent (like Cloud Custodian's max-resources).
 */
import { OperationFailedError, UserInputError } from "../errors";
import type { RunMode } from "../removal/results";

/** Without `--yes` nothing is deleted; `--dry-run` and `--yes` together are contradictory input. */
export function resolveRunMode(flags: { dryRun?: boolean; yes?: boolean }): RunMode {
  if (flags.dryRun && flags.yes) throw new UserInputError("--dry-run and --yes exclude each other: pass one of them");
  return flags.yes ? "execute" : "dry-run";
}

/** The default cap: a scheduled job that suddenly wants to delete more than this needs a person to look. */
export const DEFAULT_MAX_DELETES = 100;

export class DeleteCapExceededError extends OperationFailedError {
  constructor(
    readonly wouldDelete: number,
    readonly max: number,
  ) {
    super(
      `cleanup would delete ${wouldDelete} resource groups, more than --max ${max}; nothing was deleted. ` +
        `Check the list with --dry-run, then re-run with --max ${wouldDelete} if it is right`,
    );
    this.name = "DeleteCapExceededError";
  }
}

/** Throws before any delete when the number of new deletes exceeds the cap. */
export function enforceDeleteCap(wouldDelete: number, max: number): void {
  if (wouldDelete > max) throw new DeleteCapExceededError(wouldDelete, max);
}

export function parseMax(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UserInputError(`--max '${text}' is not a whole number; use e.g. --max 50`);
  return Number(text.trim());
}
