/**
 * Azure ML workspace assets (spec: machinelearningservices/resource-manager/.../stable/2024-10-01/
 * mfe.json, Datastores_* and ModelContainers_* / ModelVersions_* in Azure/azure-rest-api-specs):
 * - datastores: list (`isDefault=true` filter, paged), get, put, delete, and POST listSecrets. The
 *   secrets sent in a PUT (`properties.credentials.secrets`) or seeded in the inventory are kept but
 *   never returned by GET/list, as the service does; only listSecrets hands them out.
 * - model containers: list, get, put, delete; `latestVersion` / `nextVersion` follow the versions.
 * - model versions: list (`$orderBy=createdtime desc`, `$top`, paged), get, put (synchronous 200/201;
 *   the first version creates the container implicitly), delete. Changing the path of an existing
 *   version is refused with the service's "Asset paths cannot be updated." user error.
 * Assets are stored as nested resources of the workspace (types .../workspaces/datastores,
 * .../workspaces/models, .../workspaces/models/versions), so deleting the group removes them.
 * Seed a datastore in an inventory as a resource of type
 * `Microsoft.MachineLearningServices/workspaces/datastores` named `<workspace>/<datastore>`.
 */
import { apiVersionsForType } from "../core/api-versions";
import { ArmHttpError } from "../core/errors";
import { paginate } from "../core/paging";
import { deleteResourceNow, resourceBody } from "../core/resource-ops";
import type { HttpMethod, RouteContext, RouteDef } from "../core/router";
import { bodyObject, ok, tagsFrom } from "../core/route-helpers";
import type { ResourceState } from "../core/state";

const WS = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}";
const DATASTORE_TYPE = "Microsoft.MachineLearningServices/workspaces/datastores";
const MODEL_TYPE = "Microsoft.MachineLearningServices/workspaces/models";
const VERSION_TYPE = "Microsoft.MachineLearningServices/workspaces/models/versions";

/** The v2 asset APIs (datastores with listSecrets, model versions) exist from 2022-05-01 on. */
const ASSET_API_VERSIONS = (apiVersionsForType("Microsoft.MachineLearningServices/workspaces") ?? []).filter((v) => v >= "2022-05-01");

/** Azure ML's own error body: `UserError` with the specific reason in innerError. */
function userError(status: number, message: string, inner: string): ArmHttpError {
  return new ArmHttpError(status, "UserError", message, { details: [{ code: inner, message }] });
}

function workspace(ctx: RouteContext): { ws: ResourceState; rg: NonNullable<ReturnType<RouteContext["core"]["state"]["resourceGroup"]>> } {
  const state = ctx.core.state;
  const sub = state.subscription(ctx.params.subscriptionId);
  const rg = state.requireResourceGroup(sub, ctx.params.resourceGroupName);
  const id = `${rg.id}/providers/Microsoft.MachineLearningServices/workspaces/${ctx.params.workspaceName}`;
  const ws = state.findResource(id);
  if (!ws || ws.type.toLowerCase() !== "microsoft.machinelearningservices/workspaces") {
    throw new ArmHttpError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${ctx.params.workspaceName}' not found.`);
  }
  return { ws, rg };
}

function children(ctx: RouteContext, parentId: string, type: string): ResourceState[] {
  const prefix = `${parentId.toLowerCase()}/`;
  return ctx.core.state
    .allResources()
    .filter((r) => r.type.toLowerCase() === type.toLowerCase() && r.id.toLowerCase().startsWith(prefix) && r.id.slice(prefix.length).split("/").length === 2)
    .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
}

function newAsset(ctx: RouteContext, rg: ReturnType<typeof workspace>["rg"], id: string, type: string, name: string, properties: Record<string, unknown>, existing?: ResourceState): ResourceState {
  return {
    id,
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
    type,
    name,
    tags: {},
    properties,
    locks: existing?.locks ?? [],
    provisioningState: "Succeeded",
    createdAt: existing?.createdAt ?? ctx.core.clock.now(),
    hookData: { ...(existing?.hookData ?? {}) },
  };
}

/** Resource body with the ML shape: no location/tags at the top, secrets stripped. */
function assetBody(ctx: RouteContext, res: ResourceState): Record<string, unknown> {
  const body = resourceBody(ctx.core, res);
  const properties = { ...(body.properties as Record<string, unknown>) };
  delete properties.provisioningState;
  if (res.type.toLowerCase() === DATASTORE_TYPE.toLowerCase()) {
    const credentials = properties.credentials as Record<string, unknown> | undefined;
    if (credentials) {
      const { secrets: _secrets, ...rest } = credentials;
      properties.credentials = rest;
    }
  }
  return { id: body.id, name: body.name, type: body.type, properties, systemData: body.systemData };
}

function datastoreSecrets(res: ResourceState): Record<string, unknown> | undefined {
  const credentials = res.properties.credentials as { secrets?: Record<string, unknown> } | undefined;
  return credentials?.secrets;
}

// --- models --------------------------------------------------------------------------------------

function versionsOf(ctx: RouteContext, containerId: string): ResourceState[] {
  return children(ctx, containerId, VERSION_TYPE);
}

function refreshContainer(ctx: RouteContext, container: ResourceState): void {
  const numbers = versionsOf(ctx, container.id)
    .map((v) => Number(v.name))
    .filter(Number.isInteger);
  const latest = numbers.length ? Math.max(...numbers) : undefined;
  container.properties = {
    ...container.properties,
    ...(latest !== undefined ? { latestVersion: String(latest) } : {}),
    nextVersion: String((latest ?? 0) + 1),
  };
  ctx.core.state.touchResource(container);
}

/** DELETE answers 200 when something was removed, 204 when there was nothing (as the service does). */
function removeAsset(ctx: RouteContext, id: string): { status: number } {
  const res = ctx.core.state.findResource(id);
  if (!res) return { status: 204 };
  deleteResourceNow(ctx.core, res, false, ctx);
  return { status: 200 };
}

function containerId(ws: ResourceState, name: string): string {
  return `${ws.id}/models/${name}`;
}

/** A route on the workspace's v2 asset API: its api-versions, and the provider's unknown-version error. */
function assetRoute(name: string, method: HttpMethod, subPath: string, handler: RouteDef["handler"]): RouteDef {
  return { name, methods: [method], path: `${WS}${subPath}`, apiVersions: ASSET_API_VERSIONS, apiVersionError: "NoRegisteredProviderFound", handler };
}

export const routes: RouteDef[] = [
  assetRoute("datastores.list", "GET", "/datastores", (ctx) => {
    const { ws } = workspace(ctx);
    let items = children(ctx, ws.id, DATASTORE_TYPE);
    const isDefault = ctx.q("isDefault");
    if (isDefault !== undefined) items = items.filter((d) => Boolean(d.properties.isDefault) === (isDefault.toLowerCase() === "true"));
    const names = ctx.q("names");
    if (names) {
      const wanted = new Set(names.split(",").map((n) => n.trim().toLowerCase()));
      items = items.filter((d) => wanted.has(d.name.toLowerCase()));
    }
    const count = ctx.q("count");
    return paginate(ctx, items.map((d) => assetBody(ctx, d)), count ? { pageSize: Number(count) } : {});
  }),
  assetRoute("datastores.get", "GET", "/datastores/{name}", (ctx) => {
    const { ws } = workspace(ctx);
    const ds = ctx.core.state.findResource(`${ws.id}/datastores/${ctx.params.name}`);
    if (!ds) throw userError(404, `Datastore ${ctx.params.name} was not found in workspace ${ws.name}.`, "NotFoundError");
    return ok(assetBody(ctx, ds));
  }),
  assetRoute("datastores.createOrUpdate", "PUT", "/datastores/{name}", (ctx) => {
    const { ws, rg } = workspace(ctx);
    const properties = bodyObject(ctx).properties as Record<string, unknown> | undefined;
    if (!properties || typeof properties.datastoreType !== "string") {
      throw userError(400, "properties.datastoreType is required (AzureBlob, AzureDataLakeGen2, AzureFile, ...).", "ValidationError");
    }
    const id = `${ws.id}/datastores/${ctx.params.name}`;
    const existing = ctx.core.state.findResource(id);
    const res = newAsset(ctx, rg, id, DATASTORE_TYPE, ctx.params.name, { ...properties }, existing);
    ctx.core.state.putResource(rg, res);
    return ok(assetBody(ctx, res), existing ? 200 : 201);
  }),
  assetRoute("datastores.delete", "DELETE", "/datastores/{name}", (ctx) => {
    const { ws } = workspace(ctx);
    return removeAsset(ctx, `${ws.id}/datastores/${ctx.params.name}`);
  }),
  assetRoute("datastores.listSecrets", "POST", "/datastores/{name}/listSecrets", (ctx) => {
    const { ws } = workspace(ctx);
    const ds = ctx.core.state.findResource(`${ws.id}/datastores/${ctx.params.name}`);
    if (!ds) throw userError(404, `Datastore ${ctx.params.name} was not found in workspace ${ws.name}.`, "NotFoundError");
    const secrets = datastoreSecrets(ds);
    if (!secrets) throw userError(400, `Datastore ${ctx.params.name} uses identity-based access and has no secrets.`, "ValidationError");
    return ok({ ...secrets });
  }),
  assetRoute("modelContainers.list", "GET", "/models", (ctx) => {
    const { ws } = workspace(ctx);
    return paginate(ctx, children(ctx, ws.id, MODEL_TYPE).map((m) => assetBody(ctx, m)));
  }),
  assetRoute("modelContainers.get", "GET", "/models/{name}", (ctx) => {
    const { ws } = workspace(ctx);
    const container = ctx.core.state.findResource(containerId(ws, ctx.params.name));
    if (!container) throw userError(404, `Model container ${ctx.params.name} was not found.`, "NotFoundError");
    return ok(assetBody(ctx, container));
  }),
  assetRoute("modelContainers.createOrUpdate", "PUT", "/models/{name}", (ctx) => {
    const { ws, rg } = workspace(ctx);
    const props = (bodyObject(ctx).properties as Record<string, unknown>) ?? {};
    const id = containerId(ws, ctx.params.name);
    const existing = ctx.core.state.findResource(id);
    const res = newAsset(ctx, rg, id, MODEL_TYPE, ctx.params.name, { ...(existing?.properties ?? {}), description: props.description, tags: tagsFrom(props.tags) ?? {}, isArchived: Boolean(props.isArchived) }, existing);
    ctx.core.state.putResource(rg, res);
    refreshContainer(ctx, res);
    return ok(assetBody(ctx, res), existing ? 200 : 201);
  }),
  assetRoute("modelContainers.delete", "DELETE", "/models/{name}", (ctx) => {
    const { ws } = workspace(ctx);
    const id = containerId(ws, ctx.params.name);
    for (const v of versionsOf(ctx, id)) removeAsset(ctx, v.id);
    return removeAsset(ctx, id);
  }),
  assetRoute("modelVersions.list", "GET", "/models/{name}/versions", (ctx) => {
    const { ws } = workspace(ctx);
    const id = containerId(ws, ctx.params.name);
    if (!ctx.core.state.findResource(id)) throw userError(404, `Model container ${ctx.params.name} was not found.`, "NotFoundError");
    let items = versionsOf(ctx, id);
    const orderBy = ctx.q("$orderBy");
    if (orderBy && /createdtime\s+desc/i.test(orderBy)) items = [...items].reverse();
    const top = ctx.q("$top");
    if (top) items = items.slice(0, Number(top));
    return paginate(ctx, items.map((v) => assetBody(ctx, v)));
  }),
  assetRoute("modelVersions.get", "GET", "/models/{name}/versions/{version}", (ctx) => {
    const { ws } = workspace(ctx);
    const v = ctx.core.state.findResource(`${containerId(ws, ctx.params.name)}/versions/${ctx.params.version}`);
    if (!v) throw userError(404, `Could not find asset with ID: azureml:${ctx.params.name}:${ctx.params.version}`, "NotFoundError");
    return ok(assetBody(ctx, v));
  }),
  assetRoute("modelVersions.createOrUpdate", "PUT", "/models/{name}/versions/{version}", (ctx) => {
    const { ws, rg } = workspace(ctx);
    const props = bodyObject(ctx).properties as Record<string, unknown> | undefined;
    if (!props || typeof props.modelUri !== "string" || props.modelUri === "") throw userError(400, "The model asset requires a path (properties.modelUri).", "ValidationError");
    if (props.flavors !== undefined) {
      for (const [flavor, value] of Object.entries(props.flavors as Record<string, unknown>)) {
        const data = (value as { data?: Record<string, unknown> })?.data ?? {};
        if (Object.values(data).some((v) => typeof v !== "string")) throw userError(400, `flavors.${flavor}.data values must be strings.`, "ValidationError");
      }
    }
    const cid = containerId(ws, ctx.params.name);
    const id = `${cid}/versions/${ctx.params.version}`;
    const existing = ctx.core.state.findResource(id);
    if (existing && existing.properties.modelUri !== props.modelUri) throw userError(400, "Asset paths cannot be updated.", "Immutable");
    let container = ctx.core.state.findResource(cid);
    if (!container) {
      // The first version creates the container implicitly (the Python SDK never PUTs it).
      container = newAsset(ctx, rg, cid, MODEL_TYPE, ctx.params.name, { tags: {}, isArchived: false });
      ctx.core.state.putResource(rg, container);
    }
    const properties = {
      modelType: props.modelType ?? "custom_model",
      modelUri: props.modelUri,
      description: props.description ?? null,
      tags: tagsFrom(props.tags) ?? {},
      properties: tagsFrom(props.properties) ?? {},
      ...(props.flavors !== undefined ? { flavors: props.flavors } : {}),
      isAnonymous: Boolean(props.isAnonymous),
      isArchived: Boolean(props.isArchived),
      ...(typeof props.jobName === "string" ? { jobName: props.jobName } : {}),
      ...(typeof props.stage === "string" ? { stage: props.stage } : {}),
    };
    const res = newAsset(ctx, rg, id, VERSION_TYPE, ctx.params.version, properties, existing);
    ctx.core.state.putResource(rg, res);
    refreshContainer(ctx, container);
    return ok(assetBody(ctx, res), existing ? 200 : 201);
  }),
  assetRoute("modelVersions.delete", "DELETE", "/models/{name}/versions/{version}", (ctx) => {
    const { ws } = workspace(ctx);
    const cid = containerId(ws, ctx.params.name);
    const result = removeAsset(ctx, `${cid}/versions/${ctx.params.version}`);
    const container = ctx.core.state.findResource(cid);
    if (container) refreshContainer(ctx, container);
    return result;
  }),
];
