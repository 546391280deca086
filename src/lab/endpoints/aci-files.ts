import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The files an ACI endpoint runs, read from the repository next to this module (./aci/) when the program
 * runs, so what is deployed is what the tests execute: the scorer's start script and its plan step, the
 * Caddyfile, and the constraints files that pin every Python package. The group receives them in a
 * secret volume (ACI's way to put files into a container group; learn.microsoft.com/azure/
 * container-instances/container-instances-volume-secret, ms.date 2024-08-29), under these flat names.
 */
export const ACI_FILES_DIR = path.join(__dirname, "aci");

export const SCORER_FILE_SOURCES: Readonly<Record<string, string>> = {
  "start-scorer.sh": "start-scorer.sh",
  "scorer_plan.py": "scorer_plan.py",
  Caddyfile: "Caddyfile",
  "constraints-tools.txt": "python/tools/constraints.txt",
  "constraints-fetch.txt": "python/fetch/constraints.txt",
  "constraints-mlflow-2.txt": "python/mlflow-2/constraints.txt",
  "constraints-mlflow-3.txt": "python/mlflow-3/constraints.txt",
};

/** Name in the container → file content. */
export function readScorerFiles(dir: string = ACI_FILES_DIR): Record<string, string> {
  return Object.fromEntries(
    Object.entries(SCORER_FILE_SOURCES).map(([name, source]) => [name, fs.readFileSync(path.join(dir, ...source.split("/")), "utf8")]),
  );
}

/** A secret volume's `secret` map: every value base64. */
export function scorerSecretVolume(files: Record<string, string> = readScorerFiles()): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [name, Buffer.from(text, "utf8").toString("base64")]));
}
