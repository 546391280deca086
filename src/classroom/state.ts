import * as fs from "node:fs";
import * as path from "node:path";
import { stateDir } from "../config/state-dir";
import type { ShardOptions } from "./units";

/**
 * What `class up` knows about each lab between runs: where it was planned, how far it got, and what it
 * became. Written after every change (to a temporary file, then renamed), so a crash loses at most the
 * step in flight, and a re-run continues from here. One file per shard: shards may run side by side.
 * It is a record, not the truth: `class up` and `class status` also read Azure.
 */
export const CLASS_STATE_FORMAT = "azure-mlflow-lab/class-state@1";

export type UnitStatus = "planned" | "deploying" | "ready" | "failed" | "unplaced";

export interface UnitState {
  key: string;
  stack: string;
  learners: string[];
  subscription?: string;
  region?: string;
  nodeType?: string;
  resourceGroup?: string;
  status: UnitStatus;
  workspaceUrl?: string;
  expiresAt?: string;
  /** One line: why it failed, or why it has no place. */
  reason?: string;
  updatedAt: string;
}

export interface ClassState {
  format: typeof CLASS_STATE_FORMAT;
  classId: string;
  stack: string;
  layout: string;
  perWorkspace?: number;
  units: Record<string, UnitState>;
}

export function classStateFile(classId: string, shard: ShardOptions, env: NodeJS.ProcessEnv = process.env): string {
  const name = shard.shards > 1 ? `state.shard-${shard.shard}-of-${shard.shards}.json` : "state.json";
  return path.join(stateDir(env), "classes", classId, name);
}

export class ClassStateStore {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  load(): ClassState | undefined {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, "utf8")) as ClassState;
      return data.format === CLASS_STATE_FORMAT && data.units && typeof data.units === "object" ? data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes are queued, so concurrent deploys never interleave a file. */
  save(state: ClassState): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`;
    this.writing = this.writing.then(() => {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text, { mode: 0o600 });
      fs.renameSync(tmp, this.file);
    });
    return this.writing;
  }
}
