import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LAB_DATASET_SHA256 } from "../../src/config/lab-config";

/**
 * The lab's dataset for tests: the machine's development copy (MLFLOW_LAB_PENGUINS_CSV, else
 * /work/shared/data/penguins.csv), checked against the sha256 the stack verifies at deploy time and
 * copied into the caller's temp folder. It is never part of the repository (its owner's repository
 * publishes it); the stack downloads it from its public URL.
 */
export const PENGUINS_CSV_SOURCE = process.env.MLFLOW_LAB_PENGUINS_CSV ?? "/work/shared/data/penguins.csv";

/** The lab's penguins.csv, checked against the sha256 the stack checks. */
export function labPenguinsBytes(): Buffer {
  if (!fs.existsSync(PENGUINS_CSV_SOURCE)) {
    throw new Error(`the lab's penguins.csv is not at ${PENGUINS_CSV_SOURCE}; set MLFLOW_LAB_PENGUINS_CSV to a copy of ${"https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/penguins.csv"}`);
  }
  const bytes = fs.readFileSync(PENGUINS_CSV_SOURCE);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== LAB_DATASET_SHA256) throw new Error(`${PENGUINS_CSV_SOURCE} is not the lab's penguins.csv (sha256 ${sha}, expected ${LAB_DATASET_SHA256})`);
  return bytes;
}

export function copyLabPenguins(dir: string): string {
  const target = path.join(dir, "penguins.csv");
  fs.writeFileSync(target, labPenguinsBytes());
  return target;
}

/** Rows of the lab's data the model tests score, one per species (test/support/lab-sample.json). */
export interface LabSample {
  columns: string[];
  rows: Array<Array<string | number>>;
  /** The species each row is labelled with in penguins.csv: 0 Adelie, 1 Gentoo, 2 Chinstrap. */
  species: number[];
}

/** The file the Python fixture scripts and the notebook harness read the rows from. */
export const LAB_SAMPLE_FILE = path.join(__dirname, "lab-sample.json");
export const LAB_SAMPLE: LabSample = JSON.parse(fs.readFileSync(LAB_SAMPLE_FILE, "utf8")) as LabSample;

/** The lab's own example, a Gentoo (species 1): Biscoe, 48.7, 14.1, 210, 4450. */
export const LAB_GENTOO_ROW = LAB_SAMPLE.rows[LAB_SAMPLE.species.indexOf(1)]!;
