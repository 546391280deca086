import { normalizeLocation } from "./normalize";

/** A region list bundled with the date it was read and where from, or a user's replacement for it. */
export interface DatedRegionList {
  regions: string[];
  retrievedAt: string;
  source: string;
  note?: string;
}

/**
 * The bundled list, or the list in `overrideEnv` when that variable is set (comma/space separated, any
 * spelling of the region names), dated today and naming the variable and the list it replaces.
 */
export function bundledOrOverride(
  env: NodeJS.ProcessEnv,
  overrideEnv: string,
  bundled: Omit<DatedRegionList, "regions"> & { regions: readonly string[] },
): DatedRegionList {
  const override = env[overrideEnv];
  if (override !== undefined && override.trim() !== "") {
    return {
      regions: override.split(/[\s,]+/).filter(Boolean).map(normalizeLocation),
      retrievedAt: new Date().toISOString().slice(0, 10),
      source: `${overrideEnv} (overrides the bundled list of ${bundled.retrievedAt})`,
    };
  }
  return { ...bundled, regions: [...bundled.regions] };
}
