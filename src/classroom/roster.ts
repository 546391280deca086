import { parse as parseCsv } from "csv-parse/sync";
import { UserInputError } from "../errors";
import { parseRegionName } from "../config/azure-regions";
import { GUID_PATTERN } from "../config/guid";

/**
 * A class roster: one learner per row of a CSV file with a header. Pure (text in, learners out), so
 * every check that names a line and a column is tested without files. Columns:
 * - `learner` (required): the learner's user principal name or email; their lab's owner and single user;
 * - `objectId` (optional): their Entra object id, needed for the Reader role on their resource group;
 * - `subscription` (optional): the subscription their lab must go in (a hard pin);
 * - `region` (optional): the region they would like (a preference, like `deploy --region`).
 */
export const ROSTER_COLUMNS = ["learner", "objectId", "subscription", "region"] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

export interface Learner {
  /** As written (trimmed); compared without regard to case. */
  learner: string;
  objectId?: string;
  subscription?: string;
  region?: string;
  /** 1-based line of the file the learner came from, for messages. */
  line: number;
}

export interface Roster {
  file: string;
  learners: Learner[];
}

const UPN_PATTERN = /^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$/;

function fail(file: string, line: number, column: number | undefined, problem: string): never {
  const where = column === undefined ? `line ${line}` : `line ${line}, column ${column}`;
  throw new UserInputError(`roster ${file} ${where}: ${problem}`);
}

/** One-line error naming the file, line and column of the first problem; nothing is half-read. */
export function parseRoster(text: string, file: string): Roster {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parseCsv(text, { info: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as unknown as typeof rows;
  } catch (error) {
    const e = error as { lines?: number; column?: number; message?: string };
    fail(file, e.lines ?? 1, undefined, `not valid CSV (${(e.message ?? String(error)).replace(/\s+/g, " ")})`);
  }
  if (rows.length === 0) throw new UserInputError(`roster ${file} is empty; give a CSV with a header line 'learner[,objectId,subscription,region]' and one learner per line`);

  const header = rows[0]!.record;
  const columns: RosterColumn[] = [];
  header.forEach((name, index) => {
    const known = ROSTER_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!known) fail(file, rows[0]!.info.lines, index + 1, `unknown column '${name}'; the header may name ${ROSTER_COLUMNS.join(", ")} (learner is required)`);
    if (columns.includes(known)) fail(file, rows[0]!.info.lines, index + 1, `column '${known}' is named twice`);
    columns.push(known);
  });
  if (!columns.includes("learner")) fail(file, rows[0]!.info.lines, undefined, `the header has no 'learner' column (found ${header.join(", ") || "nothing"}); it may name ${ROSTER_COLUMNS.join(", ")}`);
  if (rows.length === 1) throw new UserInputError(`roster ${file} has a header but no learners`);

  const seen = new Map<string, number>();
  const learners = rows.slice(1).map(({ record, info }) => {
    const line = info.lines;
    if (record.length > columns.length) fail(file, line, columns.length + 1, `${record.length} fields, but the header names ${columns.length} columns`);
    const value = (column: RosterColumn) => {
      const index = columns.indexOf(column);
      const text = index < 0 ? undefined : record[index]?.trim();
      return text ? text : undefined;
    };
    const at = (column: RosterColumn) => columns.indexOf(column) + 1;
    const learner = value("learner");
    if (!learner) fail(file, line, at("learner"), "learner is empty; give the learner's user principal name or email (ann@contoso.edu)");
    if (!UPN_PATTERN.test(learner)) fail(file, line, at("learner"), `'${learner}' is not a user principal name or email (ann@contoso.edu)`);
    const key = learner.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) fail(file, line, at("learner"), `'${learner}' is already on line ${previous}; each learner gets one lab`);
    seen.set(key, line);

    const entry: Learner = { learner, line };
    const objectId = value("objectId");
    if (objectId !== undefined) {
      if (!GUID_PATTERN.test(objectId)) fail(file, line, at("objectId"), `objectId '${objectId}' is not an Entra object id (a GUID); leave it empty to skip the Reader role`);
      entry.objectId = objectId.toLowerCase();
    }
    const subscription = value("subscription");
    if (subscription !== undefined) {
      if (!GUID_PATTERN.test(subscription)) fail(file, line, at("subscription"), `subscription '${subscription}' is not a subscription id (a GUID)`);
      entry.subscription = subscription.toLowerCase();
    }
    const region = value("region");
    if (region !== undefined) {
      entry.region = parseRegionName(region, (hint) =>
        fail(file, line, at("region"), `region '${region}' is not an Azure region${hint ? `; did you mean ${hint}?` : "; use a programmatic name such as eastus or westeurope"}`),
      );
    }
    return entry;
  });
  return { file, learners };
}
