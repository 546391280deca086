/** Rows to score: named columns and one array of cell values per row (JSON scalars or null). */
export interface Table {
  columns: string[];
  rows: unknown[][];
}

/** An input that is already a complete request body for some dialect; sent as it is. */
export interface RawPayload {
  raw: Record<string, unknown>;
  /** The top-level key that names its dialect (`dataframe_split`, `inputs`, `input_data`, ...). */
  wrapper: string;
}

export type ScoringInput = { kind: "table"; table: Table } | { kind: "raw"; payload: RawPayload };

export class ScoringInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScoringInputError";
  }
}
