import { afterEach, describe, expect, it } from "vitest";
import { baseInventory, harness, SUB, type Harness } from "./helpers";

let h: Harness;
afterEach(async () => h?.server.stop());

function manyGroups(n: number) {
  const inv = baseInventory();
  inv.subscriptions[0].resourceGroups = Array.from({ length: n }, (_, i) => ({ name: `rg-${String(i).padStart(3, "0")}`, location: "eastus", tags: { "lab-id": `rg-${i}` } })) as any;
  return inv;
}

describe("nextLink paging", () => {
  it("pages with absolute nextLinks carrying $skiptoken and api-version", async () => {
    h = await harness({ seed: manyGroups(5), paging: { pageSize: 2 } });
    const first = await h.call("GET", `/subscriptions/${SUB}/resourcegroups`);
    expect(first.body.value).toHaveLength(2);
    const next = new URL(first.body.nextLink);
    expect(next.origin).toBe(h.server.url);
    expect(next.searchParams.get("api-version")).toBe("2025-04-01");
    expect(next.searchParams.get("$skiptoken")).toBeTruthy();
    expect(first.body).not.toHaveProperty("nextLink", null);
    const all = await h.client.listAll<{ name: string }>(`/subscriptions/${SUB}/resourcegroups`, "2025-04-01");
    expect(all.map((g) => g.name)).toEqual(["rg-000", "rg-001", "rg-002", "rg-003", "rg-004"]);
  });

  it("inserts empty pages that still carry a nextLink", async () => {
    h = await harness({ seed: manyGroups(4), paging: { pageSize: 2, emptyPages: true } });
    const pages: number[] = [];
    for await (const page of h.client.pages(`/subscriptions/${SUB}/resourcegroups`, "2025-04-01")) pages.push(page.length);
    expect(pages).toEqual([2, 0, 2]);
  });

  for (const terminator of ["absent", "null", "empty"] as const) {
    it(`ends the last page with a ${terminator} nextLink`, async () => {
      h = await harness({ seed: manyGroups(3), paging: { pageSize: 2, terminator } });
      const first = await h.call("GET", `/subscriptions/${SUB}/resourcegroups`);
      const last = await fetch(first.body.nextLink, { headers: { authorization: "Bearer t" } }).then((r) => r.json() as Promise<Record<string, unknown>>);
      if (terminator === "absent") expect(last).not.toHaveProperty("nextLink");
      else expect(last.nextLink).toBe(terminator === "null" ? null : "");
      expect(await h.client.listAll(`/subscriptions/${SUB}/resourcegroups`, "2025-04-01")).toHaveLength(3);
    });
  }

  it("filters groups by tag and rejects a malformed skip token", async () => {
    h = await harness({ seed: manyGroups(3) });
    const tagged = await h.call("GET", `/subscriptions/${SUB}/resourcegroups`, { query: { $filter: "tagName eq 'lab-id' and tagValue eq 'rg-1'" } });
    expect(tagged.body.value.map((g: { name: string }) => g.name)).toEqual(["rg-001"]);
    const bad = await h.call("GET", `/subscriptions/${SUB}/resourcegroups`, { query: { $skiptoken: "garbage" } });
    expect(bad.status).toBe(400);
  });
});
