import * as fs from "node:fs";
import * as path from "node:path";
import { stateDir } from "../../config/state-dir";
import { PRICE_TABLE, type PriceTable } from "../cost";
import { linuxVmPrices, regionPriceTable, RETAIL_PRICES_URL, retailPricesUrl, type PriceSource, type RetailPricesPage } from "../retail-prices";

/**
 * Live VM prices for the regions a class uses: the Azure Retail Prices API when it answers, its answers
 * cached in the state directory with the time they were read, and the bundled table when neither is
 * there. Each region says which of the three it got. The cache is used without asking the API again
 * for 7 hours, the refresh period SkyPilot uses for its Azure catalog (`_PULL_FREQUENCY_HOURS = 7` in
 * skypilot-org/skypilot sky/catalog/common.py); an older entry is still better than the bundled table
 * when the API cannot be reached. MLFLOW_LAB_RETAIL_PRICES_URL points elsewhere (tests serve a page).
 */
export const CACHE_FRESH_MS = 7 * 3600_000;
const CACHE_FORMAT = "azure-mlflow-lab/retail-prices@1";
const MAX_PAGES = 20;

export type PricesMode = "auto" | "live" | "bundled";

export interface RegionPrices {
  region: string;
  source: PriceSource;
  /** When the prices were read from the API (live or cache); the bundled table's date otherwise. */
  retrievedAt: string;
  table: PriceTable;
  /** Why the live read was not used, when it was tried and failed. */
  problem?: string;
}

interface CacheFile {
  format: typeof CACHE_FORMAT;
  regions: Record<string, { retrievedAt: string; prices: Record<string, number> }>;
}

export interface PriceRequest {
  regions: readonly string[];
  skus: readonly string[];
  mode?: PricesMode;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

function cacheFile(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), "retail-prices.json");
}

function readCache(file: string): CacheFile {
  try {
    const data = JSON.parse(fs.readFileSync(file, "utf8")) as CacheFile;
    if (data.format === CACHE_FORMAT && data.regions && typeof data.regions === "object") return data;
  } catch {
    // a missing or broken cache is an empty one: it only saves requests
  }
  return { format: CACHE_FORMAT, regions: {} };
}

function writeCache(file: string, cache: CacheFile): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(cache, null, 2)}\n`);
    fs.renameSync(tmp, file);
  } catch {
    // not being able to cache costs a request next time, nothing else
  }
}

async function fetchRegion(base: string, region: string, skus: readonly string[], doFetch: typeof fetch, timeoutMs: number): Promise<Record<string, number>> {
  const items = [];
  let url: string | undefined = retailPricesUrl(base, region, skus);
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const response = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status} from the Retail Prices API`);
    const body = (await response.json()) as RetailPricesPage;
    items.push(...(body.Items ?? []));
    url = typeof body.NextPageLink === "string" && body.NextPageLink !== "" ? body.NextPageLink : undefined;
  }
  return linuxVmPrices(items);
}

export async function regionPrices(request: PriceRequest): Promise<RegionPrices[]> {
  const env = request.env ?? process.env;
  const mode = request.mode ?? "auto";
  const now = request.now ?? new Date();
  const bundled = (region: string, problem?: string): RegionPrices => ({ region, source: "bundled", retrievedAt: PRICE_TABLE.retrievedOn, table: PRICE_TABLE, ...(problem ? { problem } : {}) });
  const regions = [...new Set(request.regions)].sort();
  if (mode === "bundled") return regions.map((r) => bundled(r));

  const file = cacheFile(env);
  const cache = readCache(file);
  const base = env.MLFLOW_LAB_RETAIL_PRICES_URL?.trim() || RETAIL_PRICES_URL;
  const doFetch = request.fetch ?? fetch;
  const fromCache = (region: string, source: PriceSource, problem?: string): RegionPrices | undefined => {
    const entry = cache.regions[region];
    if (!entry || !request.skus.every((sku) => entry.prices[sku] !== undefined || PRICE_TABLE.vmLinuxPerHour[sku] === undefined)) return undefined;
    return { region, source, retrievedAt: entry.retrievedAt, table: regionPriceTable(PRICE_TABLE, region, entry.prices, { source, retrievedAt: entry.retrievedAt }), ...(problem ? { problem } : {}) };
  };
  let changed = false;
  const results = await Promise.all(
    regions.map(async (region): Promise<RegionPrices> => {
      const entry = cache.regions[region];
      if (mode === "auto" && entry && now.getTime() - Date.parse(entry.retrievedAt) < CACHE_FRESH_MS) {
        const cached = fromCache(region, "cache");
        if (cached) return cached;
      }
      try {
        const prices = await fetchRegion(base, region, request.skus, doFetch, request.timeoutMs ?? 10_000);
        if (Object.keys(prices).length === 0) throw new Error(`the Retail Prices API listed none of ${request.skus.join(", ")} in ${region}`);
        const retrievedAt = now.toISOString().replace(/\.\d{3}Z$/, "Z");
        cache.regions[region] = { retrievedAt, prices };
        changed = true;
        return { region, source: "live", retrievedAt, table: regionPriceTable(PRICE_TABLE, region, prices, { source: "live", retrievedAt }) };
      } catch (error) {
        const problem = error instanceof Error ? `${error.name === "TimeoutError" ? "timed out" : error.message}` : String(error);
        return fromCache(region, "cache", problem) ?? bundled(region, problem);
      }
    }),
  );
  if (changed) writeCache(file, cache);
  return results;
}
