import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../errors";
import { MlmodelError, parseMlmodel, type MlmodelInfo } from "./mlmodel";

/** Reads and validates an MLflow model directory on disk: the folder, its MLmodel, and its files. */

export interface ModelFile {
  /** Path relative to the model directory, `/`-separated. */
  relPath: string;
  absPath: string;
  size: number;
}

export interface LocalModel {
  dir: string;
  mlmodel: MlmodelInfo;
  files: ModelFile[];
  totalBytes: number;
}

/** Every regular file under `dir` (symlinks followed, as azure-ai-ml does), sorted by path. */
export function listModelFiles(dir: string): ModelFile[] {
  const files: ModelFile[] = [];
  const walk = (abs: string, rel: string, seen: Set<string>) => {
    const real = fs.realpathSync(abs);
    if (seen.has(real)) return; // a symlink loop
    const inner = new Set(seen).add(real);
    for (const entry of fs.readdirSync(abs)) {
      const childAbs = path.join(abs, entry);
      const childRel = rel ? `${rel}/${entry}` : entry;
      const stat = fs.statSync(childAbs);
      if (stat.isDirectory()) walk(childAbs, childRel, inner);
      else if (stat.isFile()) files.push({ relPath: childRel, absPath: childAbs, size: stat.size });
    }
  };
  walk(dir, "", new Set());
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

export function readModelDir(dir: string): LocalModel {
  const shown = dir;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UserInputError(`model directory ${shown} does not exist`);
  }
  if (!stat.isDirectory()) {
    const hint = path.basename(dir) === "MLmodel" ? ` (pass its folder: ${path.dirname(dir)})` : " (pass the folder that contains MLmodel)";
    throw new UserInputError(`${shown} is a file, not an MLflow model directory${hint}`);
  }
  const mlmodelPath = path.join(dir, "MLmodel");
  if (!fs.existsSync(mlmodelPath)) {
    const nested = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "MLmodel")))
      .map((e) => e.name);
    const hint = nested.length > 0 ? `; did you mean ${path.join(shown, nested[0]!)}?` : " (an MLflow model directory has an MLmodel file at its root)";
    throw new UserInputError(`${shown} has no MLmodel file${hint}`);
  }
  let mlmodel: MlmodelInfo;
  try {
    mlmodel = parseMlmodel(fs.readFileSync(mlmodelPath, "utf8"), path.join(shown, "MLmodel"));
  } catch (error) {
    if (error instanceof MlmodelError) throw new UserInputError(error.message);
    throw error;
  }
  const files = listModelFiles(dir);
  return { dir, mlmodel, files, totalBytes: files.reduce((sum, f) => sum + f.size, 0) };
}
