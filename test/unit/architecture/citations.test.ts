import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/config/stack-settings";

/**
 * Comments cite public sources (a docs URL, `owner/repo#N`) that any reader can open. The team's private
 * notes (the reference files the project was researched from) are not in the repository, so a citation
 * of one leaves the reader with nothing to follow.
 */
const root = projectRoot();
const SCANNED = ["src", "test", "bench", "scripts", "docs", "README.md", "Pulumi.yaml", "stacks"];
const TEXT_FILE = /\.(ts|mts|cts|js|mjs|json|ya?ml|md|sh|ps1|py|txt|ipynb|Caddyfile|toml|in)$|(^|\/)(Caddyfile|Dockerfile|mlflow-lab)$/;

/** Names of notes outside the repository, as a comment would cite them. */
const PRIVATE_NOTES: RegExp[] = [
  /\bpulumi\.md\b/i,
  /\bazure-arm\.md\b/i,
  /\bmlflow-and-serving(\.md)?\b/i,
  /\blab-requirements(\.md)?\b/i,
  /\bplatform-2026(\.md)?\b/i,
  /\banchors\.md\b/i,
  /\bshared\/reference\b/i,
  /\breference\/[\w-]+\.md\b/i,
  /\.\.\/shared\b/,
];

function files(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((e) => (e.name === "node_modules" || e.name.startsWith(".venv") ? [] : files(path.join(entry, e.name))));
}

export function privateCitations(text: string): Array<{ line: number; cited: string }> {
  const found: Array<{ line: number; cited: string }> = [];
  text.split("\n").forEach((line, i) => {
    for (const pattern of PRIVATE_NOTES) {
      const match = pattern.exec(line);
      if (match) found.push({ line: i + 1, cited: match[0] });
    }
  });
  return found;
}

describe("citations", () => {
  it("cite no file outside the repository anywhere in src, test, bench, scripts, docs or the README", () => {
    const self = path.relative(root, __filename);
    const offenders = SCANNED.flatMap(files)
      .filter((file) => TEXT_FILE.test(file) && path.relative(root, file) !== self)
      .flatMap((file) => privateCitations(fs.readFileSync(file, "utf8")).map((c) => `${path.relative(root, file)}:${c.line} cites ${c.cited}`));
    expect(offenders).toEqual([]);
  });

  it("are told apart: a private note's name fails, a public URL or owner/repo#N passes", () => {
    expect(privateCitations(" * follows azure-arm.md §6 and lab-requirements §5 #4").map((c) => c.cited)).toEqual(["azure-arm.md", "lab-requirements"]);
    expect(privateCitations("// see ../shared/reference/pulumi.md").map((c) => c.cited)).toEqual(["pulumi.md", "shared/reference", "reference/pulumi.md", "../shared"]);
    expect(privateCitations(" * (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations; pulumi/pulumi-azure-native#918)")).toEqual([]);
    expect(privateCitations(" * https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/cloud-shell-persisting-shell-storage-introblock.md")).toEqual([]);
  });
});
