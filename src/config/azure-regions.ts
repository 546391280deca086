/**
 * Public Azure region names (the programmatic `name` ARM uses, e.g. `eastus`, not `East US`).
 *
 * This list only catches typos before anything is created; whether a region can host the lab (Databricks,
 * quota, model serving, policy) is the region selector's job. Sovereign clouds (US Gov, China) and the
 * EUAP canary regions are left out on purpose: the lab does not target them. Extend the list when Azure
 * opens a region; a name missing here is reported as unknown with a suggestion.
 */
export const AZURE_PUBLIC_REGIONS: readonly string[] = [
  "australiacentral",
  "australiacentral2",
  "australiaeast",
  "australiasoutheast",
  "austriaeast",
  "belgiumcentral",
  "brazilsouth",
  "brazilsoutheast",
  "canadacentral",
  "canadaeast",
  "centralindia",
  "centralus",
  "chilecentral",
  "eastasia",
  "eastus",
  "eastus2",
  "francecentral",
  "francesouth",
  "germanynorth",
  "germanywestcentral",
  "indonesiacentral",
  "israelcentral",
  "italynorth",
  "japaneast",
  "japanwest",
  "jioindiacentral",
  "jioindiawest",
  "koreacentral",
  "koreasouth",
  "malaysiawest",
  "mexicocentral",
  "newzealandnorth",
  "northcentralus",
  "northeurope",
  "norwayeast",
  "norwaywest",
  "polandcentral",
  "qatarcentral",
  "southafricanorth",
  "southafricawest",
  "southcentralus",
  "southeastasia",
  "southindia",
  "spaincentral",
  "swedencentral",
  "swedensouth",
  "switzerlandnorth",
  "switzerlandwest",
  "uaecentral",
  "uaenorth",
  "uksouth",
  "ukwest",
  "westcentralus",
  "westeurope",
  "westindia",
  "westus",
  "westus2",
  "westus3",
];

const REGION_SET = new Set(AZURE_PUBLIC_REGIONS);

/** `East US` and `eastus` name the same region; ARM's programmatic names are lowercase without spaces. */
export function normalizeRegionName(input: string): string {
  return input.trim().toLowerCase().replace(/[\s_-]+/g, "");
}

export function isKnownRegion(name: string): boolean {
  return REGION_SET.has(name);
}

/**
 * The ARM name of a region a user typed ("West Europe" → westeurope), for the config's `region` and the
 * CLI's --region alike. An unknown name calls `reject` with the closest known name (undefined when nothing
 * is close), which throws the caller's one-line error.
 */
export function parseRegionName(text: string, reject: (suggestion: string | undefined) => never): string {
  const name = normalizeRegionName(text);
  if (!isKnownRegion(name)) reject(suggestRegion(text));
  return name;
}

/** The closest known region name by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function suggestRegion(input: string): string | undefined {
  const wanted = normalizeRegionName(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const region of AZURE_PUBLIC_REGIONS) {
    const distance = editDistance(wanted, region);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = region;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}
