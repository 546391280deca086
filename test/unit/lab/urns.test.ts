import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { recordProgramUrns, recordUrns, URN_CASES, type RegisteredUrn } from "./urns";

/**
 * `pulumi up` on a stack created before the lab became a reusable component must neither replace nor
 * delete anything: every resource the program registers now must have the URN the stack holds (recorded in
 * fixtures/program-urns.json from that code) or an alias to it, and every URN the stack holds must still
 * be claimed by a resource.
 */
const BEFORE = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "program-urns.json"), "utf8")) as Record<string, string[]>;

/** The old URNs each resource answers to, and the old URNs no resource answers to. */
function compare(before: readonly string[], now: readonly RegisteredUrn[]) {
  const old = new Set(before);
  const unmatched = now.filter((r) => !old.has(r.urn) && !r.aliases.some((alias) => old.has(alias))).map((r) => r.urn);
  const claimed = new Set(now.flatMap((r) => [r.urn, ...r.aliases]));
  const orphaned = before.filter((urn) => !claimed.has(urn));
  return { unmatched, orphaned };
}

describe("URNs of the Pulumi program's lab (component name `lab`) against stacks created before MlflowLab", () => {
  it.each(Object.keys(URN_CASES))("%s: every resource keeps its URN or aliases it, and none is left behind", async (name) => {
    expect(BEFORE[name], `fixture for ${name}`).toBeDefined();
    const now = await recordProgramUrns(name);
    expect(now).toHaveLength(BEFORE[name]!.length);
    expect(compare(BEFORE[name]!, now)).toEqual({ unmatched: [], orphaned: [] });
  });
});

describe("the URN comparison itself", () => {
  class Holder extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
      super("test:index:Holder", name, {}, opts);
    }
  }
  const before = [
    "urn:pulumi:t::azure-mlflow-lab::test:index:Holder::holder",
    "urn:pulumi:t::azure-mlflow-lab::test:index:Holder$random:index/randomPassword:RandomPassword::old-key",
  ];

  it("fails a renamed child without an alias: it would be created anew and the old one deleted", async () => {
    const now = await recordUrns("t", async () => {
      const holder = new Holder("holder");
      new random.RandomPassword("new-key", { length: 8 }, { parent: holder });
    });
    expect(compare(before, now)).toEqual({
      unmatched: ["urn:pulumi:t::azure-mlflow-lab::test:index:Holder$random:index/randomPassword:RandomPassword::new-key"],
      orphaned: [before[1]],
    });
  });

  it("accepts a rename with an alias, and a parent's type alias that its children inherit", async () => {
    const renamed = await recordUrns("t", async () => {
      const holder = new Holder("holder");
      new random.RandomPassword("new-key", { length: 8 }, { parent: holder, aliases: [{ name: "old-key" }] });
    });
    expect(compare(before, renamed)).toEqual({ unmatched: [], orphaned: [] });

    class Moved extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Moved", name, {}, { aliases: [{ type: "test:index:Holder" }] });
      }
    }
    const retyped = await recordUrns("t", async () => {
      const moved = new Moved("holder");
      new random.RandomPassword("old-key", { length: 8 }, { parent: moved });
    });
    expect(compare(before, retyped)).toEqual({ unmatched: [], orphaned: [] });
  });
});
