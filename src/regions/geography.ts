/**
 * Regions near the user: rank the regions of the user's geography first, and leave it only when none
 * there is eligible (and say so). The seeded spread of a classroom stays, within the geography.
 *
 * A region's geography is ARM's `metadata.geographyGroup` from Subscriptions - List Locations (live
 * signals carry it per region; e.g. eastus → "US" in the 2022-12-01 GetLocations example of
 * Azure/azure-rest-api-specs). Offline (a snapshot without it, the bundled example) the table below is
 * used. The user's geography comes from, in order: `--geography`, the preferred region's geography
 * (`--region` or `region` in the stack), and `--near <region>` (the setup scripts pass Cloud Shell's
 * location, the `ACC_LOCATION` environment variable Cloud Shell sets:
 * https://github.com/MicrosoftDocs/azure-docs/blob/main/includes/cloud-shell-persisting-shell-storage-introblock.md).
 */
import { normalizeLocation } from "./normalize";

/**
 * ARM's geographyGroup per public region, compiled on 2026-12-03 from: `az account list-locations`
 * output of 2021-05-23 kept in a public repository (metadata.geographyGroup), and the
 * `regionalDisplayName` values ("(Europe) West Europe": ARM writes the group in parentheses) listed in
 * rubrikinc/rubrik-polaris-sdk-for-go pkg/polaris/graphql/azure/regions.go (2025) for regions opened
 * since. A region missing here has no known geography offline and is ranked as "elsewhere".
 */
export const REGION_GEOGRAPHY_FALLBACK: Readonly<Record<string, string>> = {
  centralus: "US",
  eastus: "US",
  eastus2: "US",
  northcentralus: "US",
  southcentralus: "US",
  westcentralus: "US",
  westus: "US",
  westus2: "US",
  westus3: "US",
  canadacentral: "Canada",
  canadaeast: "Canada",
  mexicocentral: "Mexico",
  brazilsouth: "South America",
  brazilsoutheast: "South America",
  chilecentral: "South America",
  austriaeast: "Europe",
  belgiumcentral: "Europe",
  francecentral: "Europe",
  francesouth: "Europe",
  germanynorth: "Europe",
  germanywestcentral: "Europe",
  italynorth: "Europe",
  northeurope: "Europe",
  norwayeast: "Europe",
  norwaywest: "Europe",
  polandcentral: "Europe",
  spaincentral: "Europe",
  swedencentral: "Europe",
  swedensouth: "Europe",
  switzerlandnorth: "Europe",
  switzerlandwest: "Europe",
  uksouth: "Europe",
  ukwest: "Europe",
  westeurope: "Europe",
  australiacentral: "Asia Pacific",
  australiacentral2: "Asia Pacific",
  australiaeast: "Asia Pacific",
  australiasoutheast: "Asia Pacific",
  centralindia: "Asia Pacific",
  eastasia: "Asia Pacific",
  indonesiacentral: "Asia Pacific",
  japaneast: "Asia Pacific",
  japanwest: "Asia Pacific",
  jioindiacentral: "Asia Pacific",
  jioindiawest: "Asia Pacific",
  koreacentral: "Asia Pacific",
  koreasouth: "Asia Pacific",
  malaysiawest: "Asia Pacific",
  newzealandnorth: "Asia Pacific",
  southeastasia: "Asia Pacific",
  southindia: "Asia Pacific",
  westindia: "Asia Pacific",
  israelcentral: "Middle East",
  qatarcentral: "Middle East",
  uaecentral: "Middle East",
  uaenorth: "Middle East",
  southafricanorth: "Africa",
  southafricawest: "Africa",
};

/**
 * Some listings group the UK regions as "UK" rather than "Europe" (the 2021 ARM output above and the
 * 2025 regionalDisplayName list say Europe): a learner in London stays in Europe either way.
 */
const GEOGRAPHY_ALIASES: Readonly<Record<string, string>> = { uk: "Europe" };

const key = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, "");

/** One spelling per geography ("europe", "Asia pacific" → "Europe", "Asia Pacific"), aliases folded. */
export function canonicalGeography(name: string): string {
  const wanted = key(name);
  if (GEOGRAPHY_ALIASES[wanted]) return GEOGRAPHY_ALIASES[wanted]!;
  return KNOWN_GEOGRAPHIES.find((g) => key(g) === wanted) ?? name.trim();
}

export const KNOWN_GEOGRAPHIES: readonly string[] = [...new Set(Object.values(REGION_GEOGRAPHY_FALLBACK))].sort();

/** A region's geography: what ARM said for it, else the dated table, else undefined. */
export function regionGeography(region: { name: string; geography?: string }): string | undefined {
  const stated = region.geography ?? REGION_GEOGRAPHY_FALLBACK[normalizeLocation(region.name)];
  return stated === undefined ? undefined : canonicalGeography(stated);
}

/** ARM's `(Europe) West Europe` regional display name carries the group too (older API versions lack metadata). */
export function geographyFromRegionalDisplayName(text: string | undefined): string | undefined {
  return text ? /^\(([^)]+)\)/.exec(text)?.[1] : undefined;
}

/** Where the user is, as the CLI was told: `--geography` (a geography or a region) and `--near <region>`. */
export interface UserLocation {
  geography?: string;
  near?: string;
}

/**
 * `--geography` accepts a geography ("Europe", "asia pacific") or a region whose geography is meant
 * ("westeurope", "West Europe"); undefined when it is neither, so the caller can say what is accepted.
 */
export function parseGeography(text: string): string | undefined {
  const wanted = key(text);
  if (GEOGRAPHY_ALIASES[wanted] || KNOWN_GEOGRAPHIES.some((g) => key(g) === wanted)) return canonicalGeography(text);
  return REGION_GEOGRAPHY_FALLBACK[wanted];
}

export interface UserGeography {
  geography: string;
  /** Why this geography, for people: "--geography Europe", "the preferred region westeurope". */
  because: string;
}

type Located = { name: string; geography?: string };

/** The geography to rank first, or undefined when nothing says where the user is. */
export function userGeography(regions: readonly Located[], preferredRegion: string | undefined, location: UserLocation | undefined): UserGeography | undefined {
  const of = (name: string) => regionGeography(regions.find((r) => normalizeLocation(r.name) === normalizeLocation(name)) ?? { name });
  if (location?.geography) {
    const named = parseGeography(location.geography) ?? canonicalGeography(location.geography);
    return { geography: named, because: `--geography ${location.geography}` };
  }
  if (preferredRegion) {
    const geography = of(preferredRegion);
    if (geography) return { geography, because: `the preferred region ${preferredRegion}` };
  }
  if (location?.near) {
    const geography = of(location.near);
    if (geography) return { geography, because: `near ${normalizeLocation(location.near)}, where the setup runs` };
  }
  return undefined;
}

export interface Ranking<V> {
  ranked: V[];
  why: string;
}

/**
 * Ranks the user's geography first (with `rank`, which keeps its seeded spread), then the rest; when
 * nothing there is eligible, every eligible region is ranked and `why` says the geography was left.
 * An eligible preferred region is taken as it is, wherever it is (`rank` puts it first).
 */
export function rankNearUser<V extends { region: string }>(
  eligible: readonly V[],
  regions: readonly Located[],
  user: UserGeography | undefined,
  rank: (pool: V[]) => Ranking<V>,
  preferredRegion?: string,
): Ranking<V> {
  if (!user || (preferredRegion && eligible.some((v) => v.region === preferredRegion))) return rank([...eligible]);
  const geographyOf = (name: string) => regionGeography(regions.find((r) => normalizeLocation(r.name) === name) ?? { name });
  const inside = eligible.filter((v) => geographyOf(v.region) === user.geography);
  if (inside.length === 0) {
    const all = rank([...eligible]);
    return { ranked: all.ranked, why: `no region in ${user.geography} (${user.because}) is eligible, so another geography: ${all.why}` };
  }
  const near = rank(inside);
  const outside = eligible.filter((v) => !inside.includes(v));
  const rest = outside.length > 0 ? rank(outside).ranked : [];
  return { ranked: [...near.ranked, ...rest], why: `in ${user.geography} (${user.because}): ${near.why}` };
}
