import * as fs from "node:fs";
import * as path from "node:path";
import { recordProgramUrns, URN_CASES } from "./urns";

/**
 * Writes fixtures/program-urns.json: the URNs of the Pulumi program's resources as stacks deployed before
 * the lab became a reusable component (commit cd7c40f) hold them. Run once with that code
 * (`npx tsx test/unit/lab/write-urn-fixture.ts`); urns.test.ts checks every later program against it.
 * Never regenerate it from newer code: it is the record of what existing stacks contain.
 */
async function main(): Promise<void> {
  const fixture: Record<string, string[]> = {};
  for (const name of Object.keys(URN_CASES)) {
    const recorded = await recordProgramUrns(name);
    fixture[name] = recorded.map((r) => r.urn).sort();
  }
  const file = path.join(__dirname, "fixtures", "program-urns.json");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
  process.stdout.write(`${file}: ${Object.entries(fixture).map(([k, v]) => `${k} ${v.length}`).join(", ")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
