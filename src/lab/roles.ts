/** Azure built-in role definition GUIDs (the same in every subscription). */
export const BuiltInRole = {
  azureMlDataScientist: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
  storageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  // learn.microsoft.com/azure/role-based-access-control/built-in-roles/containers#acrpull
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  // "View all resources, but does not allow you to make any changes":
  // learn.microsoft.com/azure/role-based-access-control/built-in-roles/general#reader (read 2026-12-03)
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
} as const;

export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}
