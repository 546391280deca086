import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/**
 * The layers docs/architecture.md declares and the imports src/ really has, for the layering test.
 * The layer table is read from the doc itself, so the doc and the rule cannot drift apart.
 */

/** `src/` entry (a top-level folder or file, e.g. `azure` or `errors.ts`) → its layer number. */
export type LayerMap = Map<string, number>;

/** Reads the "| layer | folders | ... |" table: every `name/` or `name.ts` in the folders cell. */
export function parseLayerTable(markdown: string): LayerMap {
  const layers: LayerMap = new Map();
  for (const line of markdown.split("\n")) {
    const cells = line.split("|").map((cell) => cell.trim());
    // "| 3 | `azure/` | ... |" splits into ["", "3", "`azure/`", "...", ""].
    if (cells.length < 4 || !/^\d+$/.test(cells[1]!)) continue;
    const layer = Number(cells[1]);
    for (const match of cells[2]!.matchAll(/`([A-Za-z0-9_-]+)(\/|\.ts)`/g)) {
      const entry = match[2] === "/" ? match[1]! : `${match[1]}.ts`;
      if (layers.has(entry)) throw new Error(`docs/architecture.md assigns ${entry} to two layers`);
      layers.set(entry, layer);
    }
  }
  return layers;
}

export interface SourceImport {
  /** Importing file, relative to the project root (src/...). */
  file: string;
  line: number;
  specifier: string;
  /** The `src/` entry the import lands in, or undefined when it leaves src/ (a package, package.json). */
  target?: string;
}

/** The `src/` entry a file below src/ belongs to: `azure/lro.ts` → `azure`, `errors.ts` → `errors.ts`. */
export function entryOf(srcRelative: string): string {
  return srcRelative.split("/")[0]!;
}

/** The `src/` entry an import resolves into: a folder (`azure`, also `../azure` itself) or a top-level file (`errors.ts`). */
function targetEntry(src: string, resolved: string): string {
  const first = resolved.split("/")[0]!;
  if (resolved.includes("/") || fs.existsSync(path.join(src, first)) && fs.statSync(path.join(src, first)).isDirectory()) return first;
  return /\.[a-z]+$/.test(first) ? first : `${first}.ts`;
}

/** Every relative import of one source text (static, type-only, re-export, import(), require()). */
export function importsOf(text: string): Array<{ specifier: string; line: number }> {
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number) => text.slice(0, pos).split("\n").length;
  return info.importedFiles.filter((ref) => ref.fileName.startsWith(".")).map((ref) => ({ specifier: ref.fileName, line: lineOf(ref.pos) }));
}

export function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSourceFiles(full));
    else if (/\.(ts|mts|cts)$/.test(entry.name)) out.push(full);
  }
  return out;
}

/** Every relative import in `root/src`, with the src/ entry it lands in. */
export function sourceImports(root: string): SourceImport[] {
  const src = path.join(root, "src");
  const out: SourceImport[] = [];
  for (const file of listSourceFiles(src)) {
    for (const { specifier, line } of importsOf(fs.readFileSync(file, "utf8"))) {
      const resolved = path.relative(src, path.resolve(path.dirname(file), specifier)).split(path.sep).join("/");
      const target = resolved.startsWith("..") ? undefined : targetEntry(src, resolved);
      out.push({ file: path.relative(root, file).split(path.sep).join("/"), line, specifier, target });
    }
  }
  return out;
}

export interface Violation {
  kind: "upward" | "unassigned" | "cycle";
  text: string;
}

/**
 * What breaks the rule: an import into a higher layer, a src/ entry with no layer, and circles between
 * entries of one layer (an import within a single entry is never a problem).
 */
export function layeringViolations(imports: readonly SourceImport[], layers: LayerMap, entries: readonly string[]): Violation[] {
  const violations: Violation[] = [];
  for (const entry of entries) {
    if (!layers.has(entry)) violations.push({ kind: "unassigned", text: `src/${entry}${entry.endsWith(".ts") ? "" : "/"} is in no layer of docs/architecture.md` });
  }
  const edges = new Map<string, Set<string>>();
  for (const imp of imports) {
    if (imp.target === undefined) continue;
    const from = entryOf(imp.file.slice("src/".length));
    if (from === imp.target) continue;
    const fromLayer = layers.get(from);
    const toLayer = layers.get(imp.target);
    if (fromLayer === undefined || toLayer === undefined) continue;
    if (toLayer > fromLayer) {
      violations.push({ kind: "upward", text: `${imp.file}:${imp.line} imports '${imp.specifier}' (${imp.target}, layer ${toLayer}) from layer ${fromLayer}` });
    } else if (toLayer === fromLayer) {
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(imp.target);
    }
  }
  for (const cycle of findCycles(edges)) violations.push({ kind: "cycle", text: `${cycle.join(" → ")} import each other within one layer` });
  return violations;
}

/** Circles in a small directed graph (each reported once, starting from its smallest name). */
function findCycles(edges: Map<string, Set<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const walk = (start: string, node: string, trail: string[]) => {
    for (const next of edges.get(node) ?? []) {
      if (next === start) {
        const cycle = [...trail, start];
        const key = [...trail].sort().join(",");
        if (!cycles.has(key)) cycles.set(key, cycle);
      } else if (!trail.includes(next) && next > start) {
        walk(start, next, [...trail, next]);
      }
    }
  };
  for (const start of [...edges.keys()].sort()) walk(start, start, [start]);
  return [...cycles.values()];
}
