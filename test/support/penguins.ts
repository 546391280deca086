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

export function copyLabPenguins(dir: string): string {
  if (!fs.existsSync(PENGUINS_CSV_SOURCE)) {
    throw new Error(`the lab's penguins.csv is not at ${PENGUINS_CSV_SOURCE}; set MLFLOW_LAB_PENGUINS_CSV to a copy of ${"https://raw.githubusercontent.com/MicrosoftLearning/mslearn-databricks/main/data/penguins.csv"}`);
  }
  const bytes = fs.readFileSync(PENGUINS_CSV_SOURCE);
  const sha = createHash("sha256").update(bytes).digest("hex");
  if (sha !== LAB_DATASET_SHA256) throw new Error(`${PENGUINS_CSV_SOURCE} is not the lab's penguins.csv (sha256 ${sha}, expected ${LAB_DATASET_SHA256})`);
  const target = path.join(dir, "penguins.csv");
  fs.writeFileSync(target, bytes);
  return target;
}
