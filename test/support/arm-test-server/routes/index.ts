/**
 * Every route module, one line each. A module exports `routes: RouteDef[]`; order does not matter
 * (the router prefers the most specific template). See ../README.md "Adding a route".
 */
export * as operations from "./operations";
export * as subscriptions from "./subscriptions";
export * as compute from "./compute";
export * as providers from "./providers";
export * as policy from "./policy";
export * as resourceGroups from "./resource-groups";
export * as resources from "./resources";
export * as locks from "./locks";
export * as resourceGraph from "./resource-graph";
export * as keyVault from "./keyvault";
export * as logAnalytics from "./log-analytics";
export * as mlAssets from "./ml-assets";
export * as mlUsages from "./ml-usages";
