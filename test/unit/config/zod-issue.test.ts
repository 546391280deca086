import { describe, expect, it } from "vitest";
import { z } from "zod";
import { zodIssueLine } from "../../../src/config/zod-issue";

const schema = z
  .object({ name: z.string(), rows: z.array(z.object({ limit: z.number() })), server: z.string().optional(), id: z.string().optional() })
  .superRefine((value, ctx) => {
    if (value.server && !value.id) ctx.addIssue({ code: "custom", path: ["id"], message: "required with server" });
  });

function line(input: unknown, options?: Parameters<typeof zodIssueLine>[2]): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error("expected a failure");
  return zodIssueLine(parsed.error, input, options);
}

describe("zodIssueLine", () => {
  it("says a required value is missing, naming list positions as zod does or in brackets", () => {
    expect(line({ rows: [] })).toBe("name is missing");
    expect(line({ name: "a", rows: [{}] })).toBe("rows.0.limit is missing");
    expect(line({ name: "a", rows: [{}] }, { indexes: "brackets", subject: (path) => `field ${path}` })).toBe("field rows[0].limit is missing");
  });

  it("gives zod's message for a wrong value, and a schema's own message for an absent one", () => {
    expect(line({ name: 3, rows: [] })).toMatch(/^name: .*expected string/);
    expect(line({ name: "a", rows: [], server: "s" })).toBe("id: required with server");
  });

  it("names the top level", () => {
    expect(line("text")).toMatch(/^\(top level\): /);
    expect(line("text", { subject: (path) => path || "the file" })).toMatch(/^the file: /);
  });
});
