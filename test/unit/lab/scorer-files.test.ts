import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ACI_FILES_DIR, readScorerFiles, SCORER_FILE_SOURCES } from "../../../src/lab/endpoints/aci-files";

/** The ACI scorer's files are real files the program reads, and they ship with it. */
const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("the ACI scorer's files", () => {
  it("are read from the repository, next to the component, with every Python pin in a constraints file", () => {
    const files = readScorerFiles();
    expect(Object.keys(files).sort()).toEqual(Object.keys(SCORER_FILE_SOURCES).sort());
    expect(files["start-scorer.sh"]).toMatch(/^#!\/bin\/sh\n/);
    for (const [name, text] of Object.entries(files).filter(([n]) => n.startsWith("constraints-"))) {
      // Compiled by scripts/lock-python.sh from the requirements.in next to it: every line pinned.
      const source = path.join(ACI_FILES_DIR, path.dirname(SCORER_FILE_SOURCES[name]!), "requirements.in");
      expect(fs.existsSync(source), name).toBe(true);
      const requirements = text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("#"));
      expect(requirements.length, name).toBeGreaterThan(0);
      for (const line of requirements) expect(line, name).toMatch(/^[A-Za-z0-9._-]+==\S+/);
    }
  });

  it("ship with the program: npm pack and the toolkit image (src/ is copied whole) carry them", () => {
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })) as Array<{ files: Array<{ path: string }> }>;
    const paths = new Set(packed[0]!.files.map((f) => f.path));
    for (const source of Object.values(SCORER_FILE_SOURCES)) expect(paths, source).toContain(`src/lab/endpoints/aci/${source}`);
    expect(fs.readFileSync(path.join(ROOT, "src", "lab", "janitor", "Dockerfile"), "utf8")).toMatch(/^COPY src \.\/src$/m);
  });
});
