/**
 * api-versions each route accepts. Sources: the stable/preview folders of Azure/azure-rest-api-specs
 * for each namespace (checked with the search tool, see README.md "Route sources") and the versions the
 * installed SDK packages pin. Unknown versions are rejected so a client bump that the spec does not
 * know is loud.
 */

/** Microsoft.Resources: resource groups, providers, generic resources, tags. */
export const RESOURCES_API_VERSIONS = [
  "2016-02-01", "2016-06-01", "2016-07-01", "2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01",
  "2019-03-01", "2019-05-01", "2019-05-10", "2019-07-01", "2019-08-01", "2019-10-01", "2020-06-01",
  "2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01",
  "2024-07-01", "2024-11-01", "2025-03-01", "2025-04-01",
] as const;

/** Microsoft.Resources subscriptions/tenants/locations (arm-resources-subscriptions pins 2022-12-01). */
export const SUBSCRIPTIONS_API_VERSIONS = [
  "2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01",
] as const;

/** Microsoft.Compute usages (arm-compute 25.x pins 2026-04-01). */
export const COMPUTE_API_VERSIONS = [
  "2017-03-30", "2017-12-01", "2018-04-01", "2018-06-01", "2018-10-01", "2019-03-01", "2019-07-01",
  "2019-12-01", "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01",
  "2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01",
  "2024-07-01", "2024-11-01", "2025-04-01", "2025-11-01", "2026-03-01", "2026-04-01",
] as const;

/** Microsoft.Compute/skus has its own, older version line. */
export const COMPUTE_SKUS_API_VERSIONS = ["2017-03-30", "2017-09-01", "2019-04-01", "2021-07-01"] as const;

/** Microsoft.Authorization/policyAssignments (arm-policy 7.x pins 2025-03-01). */
export const POLICY_API_VERSIONS = [
  "2019-09-01", "2020-09-01", "2021-06-01", "2022-06-01", "2023-04-01", "2024-04-01", "2024-05-01",
  "2025-01-01", "2025-03-01",
] as const;

/** Microsoft.Authorization/locks (arm-locks 2.x pins 2020-05-01). */
export const LOCKS_API_VERSIONS = ["2015-01-01", "2016-09-01", "2020-05-01"] as const;

/** Microsoft.ResourceGraph/resources (arm-resourcegraph 5.x pins 2024-04-01). */
export const RESOURCE_GRAPH_API_VERSIONS = ["2019-04-01", "2021-03-01", "2022-10-01", "2024-04-01"] as const;

/** Per resource type (lower-case key). Types not listed accept any well-formed version. */
export const RESOURCE_TYPE_API_VERSIONS: Record<string, readonly string[]> = {
  "microsoft.databricks/workspaces": [
    "2018-04-01", "2021-04-01-preview", "2022-04-01-preview", "2023-02-01", "2023-09-15-preview",
    "2024-05-01", "2024-09-01-preview", "2025-03-01-preview", "2025-08-01-preview", "2025-10-01-preview", "2026-01-01",
  ],
  "microsoft.machinelearningservices/workspaces": [
    "2021-07-01", "2022-05-01", "2022-10-01", "2023-04-01", "2023-04-01-preview", "2023-06-01-preview",
    "2023-08-01-preview", "2023-10-01", "2024-01-01-preview", "2024-04-01", "2024-07-01-preview",
    "2024-10-01", "2024-10-01-preview", "2025-01-01-preview", "2025-10-01-preview",
  ],
  "microsoft.keyvault/vaults": [
    "2019-09-01", "2021-10-01", "2022-07-01", "2023-02-01", "2023-07-01", "2024-11-01", "2024-12-01-preview",
    "2025-05-01", "2026-02-01",
  ],
  "microsoft.operationalinsights/workspaces": [
    "2015-11-01-preview", "2020-03-01-preview", "2020-08-01", "2020-10-01", "2021-06-01",
    "2021-12-01-preview", "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01",
  ],
  "microsoft.containerinstance/containergroups": [
    "2021-09-01", "2021-10-01", "2022-09-01", "2022-10-01-preview", "2023-02-01-preview", "2023-05-01",
    "2024-05-01-preview", "2024-09-01-preview", "2024-10-01-preview", "2024-11-01-preview", "2025-09-01",
  ],
  "microsoft.containerservice/managedclusters": [
    "2022-09-01", "2023-01-01", "2023-05-01", "2023-08-01", "2023-10-01", "2024-01-01", "2024-02-01",
    "2024-05-01", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01", "2025-01-01", "2025-02-01",
    "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", "2025-07-01", "2025-08-01", "2025-09-01",
  ],
};

const WELL_FORMED = /^\d{4}-\d{2}-\d{2}(-(preview|beta|alpha|privatepreview))?$/i;

export function isWellFormedApiVersion(v: string): boolean {
  return WELL_FORMED.test(v);
}

/** Versions for a resource type: nested types use their root type's list. */
export function apiVersionsForType(type: string): readonly string[] | undefined {
  const parts = type.toLowerCase().split("/");
  return RESOURCE_TYPE_API_VERSIONS[`${parts[0]}/${parts[1]}`];
}
