import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { loadSnapshotFile, parseSnapshot, serializeSnapshot } from "../../../src/regions/signals";
import { region, snapshot } from "./snapshot-builder";

const good = snapshot([region({ name: "eastus" })]);

function expectInputError(fn: () => unknown, message: RegExp) {
  try {
    fn();
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  }
}

describe("snapshot files", () => {
  it("round-trips through the serializer", () => {
    expect(parseSnapshot(serializeSnapshot(good), "x.json")).toEqual(good);
  });

  it("names the file and the missing field in one line", () => {
    const { subscription: _omit, ...rest } = good;
    expectInputError(() => parseSnapshot(JSON.stringify(rest), "snap.json"), /^snapshot snap\.json: field subscription is missing$/);
    const badRow = { ...good, regions: [{ ...good.regions[0]!, usages: [{ name: "cores", currentValue: 1 }] }] };
    expectInputError(() => parseSnapshot(JSON.stringify(badRow), "snap.json"), /field regions\[0\]\.usages\[0\]\.limit is missing/);
  });

  it("rejects files that are not JSON or not a snapshot", () => {
    expectInputError(() => parseSnapshot("{not json", "bad.json"), /^snapshot bad\.json is not valid JSON/);
    expectInputError(() => parseSnapshot(JSON.stringify({ format: "other" }), "o.json"), /field format must be "azure-mlflow-lab\/region-signals@1"/);
  });

  it("says when the file is missing", () => {
    expectInputError(() => loadSnapshotFile(path.join(os.tmpdir(), "no-such-snapshot.json")), /no-such-snapshot\.json does not exist/);
  });

  it("accepts raw ARM shapes: name.value objects, numeric strings, display-name locations", () => {
    const raw = JSON.parse(serializeSnapshot(good));
    raw.regions[0].name = "East US";
    raw.regions[0].usages[0] = { name: { value: "cores", localizedValue: "Total Regional vCPUs" }, currentValue: "2", limit: "4" };
    raw.resourceTypes = { "Microsoft.Databricks/workspaces": ["East US", "West US 2"] };
    raw.providers = { "Microsoft.Databricks": "Registered" };
    const parsed = parseSnapshot(JSON.stringify(raw), "raw.json");
    expect(parsed.regions[0]!.name).toBe("eastus");
    expect(parsed.regions[0]!.usages![0]).toEqual({ name: "cores", currentValue: 2, limit: 4 });
    expect(parsed.resourceTypes["microsoft.databricks/workspaces"]).toEqual(["eastus", "westus2"]);
    expect(parsed.providers["microsoft.databricks"]).toBe("Registered");
  });

  it("the bundled example snapshot is valid and labelled as an example with its date", () => {
    const file = path.join(__dirname, "../../../src/regions/example-snapshot.json");
    const example = loadSnapshotFile(file);
    expect(example.example?.label).toMatch(/^EXAMPLE .*\d{4}-\d\d-\d\d.*not your subscription/);
    expect(example.regions.length).toBeGreaterThan(10);
    expect(parseSnapshot(fs.readFileSync(file, "utf8"), file)).toEqual(parseSnapshot(serializeSnapshot(example), file));
  });
});
