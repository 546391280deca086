import type { PriceTable } from "./cost";

/**
 * Virtual machine list prices from the Azure Retail Prices API, as pure data: the query, reading its
 * items, and a price table for one region built from them. The API is unauthenticated:
 * `GET https://prices.azure.com/api/retail/prices?$filter=…`, answer `{ BillingCurrency, Items: [...],
 * NextPageLink, Count }`, each item with `currencyCode`, `retailPrice`, `unitPrice`, `armRegionName`,
 * `armSkuName`, `skuName`, `productName`, `serviceName`, `priceType` ("Consumption", "Reservation",
 * "DevTestConsumption"), `unitOfMeasure` ("1 Hour"), `effectiveStartDate`, `meterName`; filter values are
 * case-sensitive since api-version 2023-01-01-preview (learn.microsoft.com/rest/api/cost-management/
 * retail-prices/azure-retail-prices, read 2026-12-03). Spot and Low Priority rows share the size's
 * armSkuName and Windows rows its region, so both are told apart by skuName and productName, as
 * SkyPilot's catalog builder does (skypilot-org/skypilot sky/catalog/data_fetchers/fetch_azure.py).
 * Databricks DBU rates are not in this API's VM rows: they stay the bundled table's (region-independent
 * list rates).
 */
export const RETAIL_PRICES_URL = "https://prices.azure.com/api/retail/prices";
export const RETAIL_PRICES_API_VERSION = "2023-01-01-preview";

export interface RetailPriceItem {
  currencyCode?: string;
  retailPrice?: number;
  unitPrice?: number;
  armRegionName?: string;
  armSkuName?: string;
  skuName?: string;
  productName?: string;
  serviceName?: string;
  priceType?: string;
  type?: string;
  unitOfMeasure?: string;
  effectiveStartDate?: string;
}

export interface RetailPricesPage {
  Items?: RetailPriceItem[];
  NextPageLink?: string | null;
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** One region's pay-as-you-go VM rows for the sizes asked for. */
export function retailPricesFilter(region: string, skus: readonly string[]): string {
  const sizes = [...new Set(skus)].sort().map((sku) => `armSkuName eq ${quote(sku)}`).join(" or ");
  return `serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and armRegionName eq ${quote(region)}${sizes ? ` and (${sizes})` : ""}`;
}

export function retailPricesUrl(base: string, region: string, skus: readonly string[]): string {
  const url = new URL(base);
  url.searchParams.set("api-version", RETAIL_PRICES_API_VERSION);
  url.searchParams.set("currencyCode", "USD");
  url.searchParams.set("$filter", retailPricesFilter(region, skus));
  return url.toString();
}

/** Linux, pay-as-you-go, per-hour USD prices per size; the latest effective row wins. */
export function linuxVmPrices(items: readonly RetailPriceItem[]): Record<string, number> {
  const best = new Map<string, { price: number; since: string }>();
  for (const item of items) {
    const sku = item.armSkuName;
    const price = item.retailPrice ?? item.unitPrice;
    if (!sku || typeof price !== "number" || !Number.isFinite(price)) continue;
    if ((item.priceType ?? item.type ?? "Consumption") !== "Consumption") continue;
    if (item.currencyCode && item.currencyCode !== "USD") continue;
    if (item.unitOfMeasure && !/^1 Hours?$/i.test(item.unitOfMeasure)) continue;
    if (/spot|low priority/i.test(item.skuName ?? "")) continue;
    if (/windows|cloud services/i.test(item.productName ?? "")) continue;
    const since = item.effectiveStartDate ?? "";
    const seen = best.get(sku);
    if (!seen || since > seen.since) best.set(sku, { price, since });
  }
  return Object.fromEntries([...best.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, { price }]) => [sku, price]));
}

export type PriceSource = "live" | "cache" | "bundled";

/** The bundled table with one region's VM prices in place of East US's (DBU rates stay the table's). */
export function regionPriceTable(base: PriceTable, region: string, vmPrices: Readonly<Record<string, number>>, origin: { source: PriceSource; retrievedAt: string }): PriceTable {
  const missing = Object.keys(base.vmLinuxPerHour).filter((sku) => vmPrices[sku] === undefined);
  return {
    ...base,
    region,
    retrievedOn: origin.retrievedAt.slice(0, 10),
    source: `Azure Retail Prices API (${RETAIL_PRICES_URL}), ${region} Linux pay-as-you-go VM prices ${origin.source === "live" ? "read" : "cached"} ${origin.retrievedAt}; Databricks DBU rates from the bundled table (${base.retrievedOn})`,
    method: missing.length > 0 ? `${base.method} Sizes the API did not list for ${region} keep the bundled East US price: ${missing.join(", ")}.` : base.method,
    vmLinuxPerHour: { ...base.vmLinuxPerHour, ...vmPrices },
  };
}
