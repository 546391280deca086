import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { listModelFiles } from "../model-dir";

/**
 * The environment Azure ML builds for an MLflow "no-code" deployment (managed and Kubernetes online
 * endpoints) is the model's own: its conda.yaml (requirements.txt for python_env). Since azureml-assets
 * PR #4579 (2026) the generated scoring script runs `from azureml.ai.monitoring import Collector`, so a
 * model whose environment lacks `azureml-ai-monitoring` crashes at start ("No module named 'azureml'",
 * probes answer 502). Microsoft's own samples fix the model's environment, not the deployment
 * (Azure/azureml-examples#3902, merged 2026-04-24; #3928, merged 2026-05-11; #4031): an explicit
 * environment would need a scoring script and would replace the model's own pinned packages. push-model
 * does the same for the copy it uploads: the package is added to conda.yaml's pip list and to
 * requirements.txt when they do not name it; the user's folder is never changed.
 */

/** azureml-ai-monitoring has one release on PyPI (1.0.0, checked 2026-12-03). */
export const NO_CODE_SERVING_PACKAGES: readonly string[] = ["azureml-ai-monitoring==1.0.0"];

/** PEP 503 name of a requirement line (`Foo_Bar[extra]>=1 ; marker` → `foo-bar`), or undefined. */
export function requirementName(line: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*$/, ""));
  if (!match || line.trim().startsWith("-")) return undefined;
  return match[1]!.toLowerCase().replace(/[-_.]+/g, "-");
}

function missingFrom(names: Iterable<string | undefined>): string[] {
  const present = new Set(names);
  return NO_CODE_SERVING_PACKAGES.filter((pin) => !present.has(requirementName(pin)));
}

/** requirements.txt with the serving packages appended (unchanged when it names them all). */
export function requirementsWithServingPackages(text: string): { text: string; added: string[] } {
  const added = missingFrom(text.split(/\r?\n/).map(requirementName));
  if (added.length === 0) return { text, added };
  const base = text.length === 0 || text.endsWith("\n") ? text : `${text}\n`;
  return { text: `${base}${added.join("\n")}\n`, added };
}

function pipList(doc: Document): YAMLSeq | undefined {
  const dependencies = doc.get("dependencies");
  if (!isSeq(dependencies)) return undefined;
  for (const item of dependencies.items) {
    if (isMap(item) && isSeq((item as YAMLMap).get("pip"))) return (item as YAMLMap).get("pip") as YAMLSeq;
  }
  const created = doc.createNode({ pip: [] }) as YAMLMap;
  dependencies.items.push(created);
  return created.get("pip") as YAMLSeq;
}

/**
 * conda.yaml with the serving packages in its `pip:` list (created when absent); unchanged when it names
 * them all or has no `dependencies` list. Comments and the order of everything else are kept.
 */
export function condaWithServingPackages(text: string): { text: string; added: string[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { text, added: [] };
  const pip = pipList(doc);
  if (!pip) return { text, added: [] };
  const added = missingFrom(pip.items.map((item) => requirementName(String((item as { value?: unknown }).value ?? item))));
  if (added.length === 0) return { text, added };
  for (const pin of added) pip.add(doc.createNode(pin));
  return { text: doc.toString(), added };
}

export interface ServingStage {
  /** The folder to hash and upload: the model itself when nothing was added, else a staged copy. */
  dir: string;
  /** Requirement pins added, e.g. `azureml-ai-monitoring==1.0.0` (empty when the model had them). */
  added: string[];
  cleanup(): void;
}

const ENV_FILES = {
  "conda.yaml": condaWithServingPackages,
  "requirements.txt": requirementsWithServingPackages,
} as const;

/**
 * The model as Azure ML should receive it. When a change is needed, a staging folder mirrors the model
 * with symlinks (the hash and the upload follow them, as azure-ai-ml does, so large files are never
 * copied) and holds the changed environment files as real files.
 */
export function stageForNoCodeServing(modelDir: string): ServingStage {
  const changed = new Map<string, string>();
  const added = new Set<string>();
  for (const [name, augment] of Object.entries(ENV_FILES)) {
    const file = path.join(modelDir, name);
    if (!fs.existsSync(file)) continue;
    const result = augment(fs.readFileSync(file, "utf8"));
    if (result.added.length === 0) continue;
    changed.set(name, result.text);
    for (const pin of result.added) added.add(pin);
  }
  if (changed.size === 0) return { dir: modelDir, added: [], cleanup: () => undefined };

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-lab-stage-"));
  const dir = path.join(root, path.basename(modelDir));
  for (const file of listModelFiles(modelDir)) {
    const target = path.join(dir, ...file.relPath.split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const text = changed.get(file.relPath);
    if (text !== undefined) fs.writeFileSync(target, text);
    else fs.symlinkSync(fs.realpathSync(file.absPath), target);
  }
  return { dir, added: [...added], cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
