export { startArmTestServer, type ArmTestServer, type ArmTestServerOptions } from "./server";
export type { FaultSpec, FaultHandle } from "./core/faults";
export type { InventoryInput, Inventory } from "./core/inventory";
export { parseInventory, loadInventoryFile } from "./core/inventory";
export type { RouteDef, RouteContext, RouteResult } from "./core/router";
export type { ResourceTypeHooks } from "./core/resource-types";
export { ArmHttpError, armErrors } from "./core/errors";
export { paginate } from "./core/paging";
