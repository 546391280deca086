import * as path from "node:path";
import { loadSnapshotFile, type RegionSignalsSnapshot } from "./signals";

/**
 * The bundled example snapshot: made-up signals (dated, labelled) that let `regions` and `plan` show the
 * selection offline. Every output that uses it repeats its label, so nobody mistakes it for their own
 * subscription.
 */
export const EXAMPLE_SNAPSHOT_FILE = path.join(__dirname, "example-snapshot.json");

export function loadExampleSnapshot(): RegionSignalsSnapshot {
  return loadSnapshotFile(EXAMPLE_SNAPSHOT_FILE);
}
