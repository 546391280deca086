import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { stateDir } from "../config/state-dir";
import { zodIssueLine } from "../config/zod-issue";
import { activeEntries, addEntry, type BlockEntry } from "./blocklist";

/**
 * The blocklist on disk: a small JSON file in the state directory, so a re-run does not retry the region
 * that just failed. It is a cache of recent failures, never the source of truth, so a corrupt file is
 * moved aside (kept for inspection) and replaced by an empty list, with a warning that says so.
 */

export const BLOCKLIST_FORMAT = "azure-mlflow-lab/region-blocklist@1";

const entrySchema = z.object({
  region: z.string().min(1),
  nodeType: z.string().optional(),
  family: z.string().optional(),
  feature: z.literal("serving").optional(),
  reason: z.string(),
  code: z.string().optional(),
  createdAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "not a timestamp"),
  expiresAt: z.string().refine((v) => !Number.isNaN(Date.parse(v)), "not a timestamp"),
});

const fileSchema = z.object({ format: z.literal(BLOCKLIST_FORMAT), entries: z.array(entrySchema) });

export function defaultBlocklistFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), "region-blocklist.json");
}

export class BlocklistStore {
  constructor(
    readonly file: string,
    private readonly warn: (line: string) => void = (line) => process.stderr.write(`warning: ${line}\n`),
  ) {}

  /** Active entries (expired ones are dropped). A missing file is an empty list. */
  load(now: Date = new Date()): BlockEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    let problem: string | undefined;
    let entries: BlockEntry[] = [];
    try {
      const json: unknown = JSON.parse(text);
      const parsed = fileSchema.safeParse(json);
      if (parsed.success) entries = parsed.data.entries;
      else {
        problem = zodIssueLine(parsed.error, json, { subject: (path) => `field ${path || "(top level)"}` });
      }
    } catch (error) {
      problem = `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
    if (problem !== undefined) {
      const aside = `${this.file}.corrupt-${now.toISOString().replace(/[:.]/g, "-")}`;
      fs.renameSync(this.file, aside);
      this.warn(`region blocklist ${this.file} was unreadable (${problem}); moved it to ${aside} and started an empty blocklist (it only remembers recent failures, so nothing else is lost)`);
      return [];
    }
    return activeEntries(entries, now);
  }

  save(entries: readonly BlockEntry[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ format: BLOCKLIST_FORMAT, entries }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  add(entry: BlockEntry, now: Date = new Date()): BlockEntry[] {
    const entries = addEntry(this.load(now), entry);
    this.save(entries);
    return entries;
  }

  clear(): void {
    fs.rmSync(this.file, { force: true });
  }
}
