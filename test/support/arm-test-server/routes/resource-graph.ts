/**
 * Azure Resource Graph query (spec: resourcegraph/.../Microsoft.ResourceGraph 2024-04-01
 * ResourcesNextPageQuery): the KQL subset of core/graph-query.ts, $top/$skip/$skipToken paging,
 * totalRecords/count/resultTruncated, and an optional lag before changes become visible.
 */
import { createHash } from "node:crypto";
import { RESOURCE_GRAPH_API_VERSIONS } from "../core/api-versions";
import { ArmHttpError } from "../core/errors";
import { GraphQueryError, parseGraphQuery, runGraphQuery } from "../core/graph-query";
import type { RouteDef } from "../core/router";
import { bodyObject, ok } from "../core/route-helpers";

function invalidQuery(detail: string): ArmHttpError {
  return new ArmHttpError(
    400,
    "BadRequest",
    "Please provide below info when asking for support: timestamp = " + new Date().toISOString() + ", correlationId = arm-test-server.",
    {
      details: [
        { code: "InvalidQuery", message: "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the query before retrying." },
        { code: "ParserFailure", message: detail },
      ],
    },
  );
}

export const routes: RouteDef[] = [
  {
    name: "resourceGraph.resources",
    methods: ["POST"],
    path: "/providers/Microsoft.ResourceGraph/resources",
    apiVersions: RESOURCE_GRAPH_API_VERSIONS,
    apiVersionError: "NoRegisteredProviderFound",
    operation: "read",
    handler: (ctx) => {
      const body = bodyObject(ctx);
      const query = body.query;
      if (typeof query !== "string" || !query.trim()) throw new ArmHttpError(400, "BadRequest", "The query is required.");
      const options = (body.options ?? {}) as Record<string, unknown>;
      if (options.resultFormat !== undefined && String(options.resultFormat).toLowerCase() !== "objectarray") {
        throw new ArmHttpError(400, "BadRequest", `resultFormat '${String(options.resultFormat)}' is not supported by the ARM test server; use objectArray.`);
      }
      let parsed;
      try {
        parsed = parseGraphQuery(query);
      } catch (e) {
        if (e instanceof GraphQueryError) throw invalidQuery(e.message);
        throw e;
      }
      const subs = Array.isArray(body.subscriptions) ? (body.subscriptions as string[]).map((s) => s.toLowerCase()) : undefined;
      const snapshot = ctx.core.state.graphRowsAt(ctx.core.clock.now() - ctx.core.graphLagMs);
      const rows = snapshot[parsed.table]
        .filter((r) => !subs || subs.includes(String(r.subscriptionId).toLowerCase()))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
      const result = runGraphQuery(parsed, rows);
      const top = Math.min(1000, Math.max(1, Number(options.$top ?? options.top ?? 100)));
      const skip = Math.max(0, Number(options.$skip ?? options.skip ?? 0));
      const queryHash = createHash("sha256").update(JSON.stringify([query, subs ?? null])).digest("hex").slice(0, 16);
      let offset = skip;
      const token = (options.$skipToken ?? options.skipToken) as string | undefined;
      if (token) {
        try {
          const t = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { o: number; h: string };
          if (t.h !== queryHash) throw new Error("query changed");
          offset = t.o;
        } catch {
          throw new ArmHttpError(400, "BadRequest", "The $skipToken is invalid for this query and scope.", { details: [{ code: "InvalidSkipToken", message: "Skip token does not match the query." }] });
        }
      }
      const data = result.slice(offset, offset + top);
      const more = offset + data.length < result.length;
      const response: Record<string, unknown> = { totalRecords: result.length, count: data.length, data, facets: [] };
      if (more && parsed.projectsId) {
        response.resultTruncated = "false";
        response.$skipToken = Buffer.from(JSON.stringify({ o: offset + data.length, h: queryHash })).toString("base64");
      } else {
        // Without `id` ARG cannot page stably and truncates instead.
        response.resultTruncated = more ? "true" : "false";
      }
      return ok(response, 200, { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" });
    },
  },
];
