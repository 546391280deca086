import { describe, expect, it } from "vitest";
import { UserInputError } from "../../../src/errors";
import { AZURE_PUBLIC_REGIONS } from "../../../src/config/azure-regions";
import { parseLabConfig } from "../../../src/config/lab-config";
import { demandFromConfig, type Demand } from "../../../src/regions/demand";
import { selectRegion } from "../../../src/regions/evaluate";
import { geographyFromRegionalDisplayName, parseGeography, REGION_GEOGRAPHY_FALLBACK, regionGeography } from "../../../src/regions/geography";
import { demandWithOverrides } from "../../../src/regions/stack-demand";
import { region, snapshot } from "./snapshot-builder";

const now = new Date("2026-11-23T12:00:00Z");
const lab = demandFromConfig({ nodeType: "Standard_DS3_v2" });

/** Plenty of headroom in Asia and the US, a little in Europe; westeurope has no quota left. */
const world = () =>
  snapshot([
    region({ name: "japaneast", cores: [0, 100], families: { standardDSv2Family: [0, 100] } }),
    region({ name: "australiaeast", cores: [0, 100], families: { standardDSv2Family: [0, 100] } }),
    region({ name: "eastus", cores: [0, 100], families: { standardDSv2Family: [0, 100] } }),
    region({ name: "westeurope", cores: [20, 20] }),
    region({ name: "northeurope", cores: [12, 20] }),
    region({ name: "swedencentral", cores: [12, 20] }),
    region({ name: "francecentral", cores: [12, 20] }),
  ]);

const EUROPE = ["francecentral", "northeurope", "swedencentral"];

describe("regions near the user", () => {
  it("with a preference in Europe chooses in Europe when Europe has an eligible region, however much more headroom elsewhere", () => {
    const demand: Demand = { ...lab, preferredRegion: "westeurope" };
    for (let seed = 0; seed < 30; seed++) {
      const result = selectRegion(world(), demand, { seed, now });
      expect(EUROPE).toContain(result.choice.region);
      expect(result.choice.why).toMatch(/^westeurope was asked for but is excluded \(cores: 0 of 20 free, need 4\); in Europe \(the preferred region westeurope\): /);
    }
  });

  it("keeps the seeded spread within the geography", () => {
    const picks = new Set<string>();
    for (let seed = 0; seed < 40; seed++) picks.add(selectRegion(world(), { ...lab, location: { geography: "Europe" } }, { seed, now }).choice.region);
    expect([...picks].sort()).toEqual(EUROPE);
  });

  it("ranks the geography's eligible regions first, then the rest", () => {
    const result = selectRegion(world(), { ...lab, location: { near: "westeurope" } }, { seed: 1, now });
    const eligible = result.verdicts.filter((v) => v.eligible).map((v) => v.geography);
    expect(eligible.slice(0, 3)).toEqual(["Europe", "Europe", "Europe"]);
    expect(eligible.slice(3).sort()).toEqual(["Asia Pacific", "Asia Pacific", "US"]);
    expect(result.choice.why).toMatch(/^in Europe \(near westeurope, where the setup runs\): /);
  });

  it("leaves the geography only when nothing there is eligible, and says so", () => {
    const full = snapshot([region({ name: "westeurope", cores: [20, 20] }), region({ name: "northeurope", cores: [20, 20] }), region({ name: "eastus" })]);
    const result = selectRegion(full, { ...lab, location: { geography: "Europe" } }, { seed: 1, now });
    expect(result.choice.region).toBe("eastus");
    expect(result.choice.why).toMatch(/^no region in Europe \(--geography Europe\) is eligible, so another geography: /);
  });

  it("takes the geography from where the user is: --geography, then the preferred region, then --near", () => {
    const asia = { ...lab, preferredRegion: "westeurope", location: { geography: "Asia Pacific", near: "eastus" } };
    expect(["japaneast", "australiaeast"]).toContain(selectRegion(world(), asia, { seed: 1, now }).choice.region);
    const preferred = { ...lab, preferredRegion: "westeurope", location: { near: "eastus" } };
    expect(EUROPE).toContain(selectRegion(world(), preferred, { seed: 1, now }).choice.region);
    expect(selectRegion(world(), { ...lab, location: { near: "East US" } }, { seed: 1, now }).choice.region).toBe("eastus");
  });

  it("still takes an eligible preferred region outside --geography (the region asked for wins)", () => {
    expect(selectRegion(world(), { ...lab, preferredRegion: "japaneast", location: { geography: "Europe" } }, { seed: 1, now }).choice.region).toBe("japaneast");
  });

  it("uses the geography ARM reports for a region over the dated table", () => {
    const live = snapshot([{ ...region({ name: "eastus", cores: [0, 100] }), geography: "Elsewhere" }, { ...region({ name: "newregion" }), geography: "Europe" }]);
    expect(selectRegion(live, { ...lab, location: { geography: "Europe" } }, { seed: 1, now }).choice.region).toBe("newregion");
    expect(regionGeography({ name: "uksouth", geography: "UK" })).toBe("Europe");
  });
});

describe("geography names", () => {
  it("has a dated geography for every public region the toolkit knows", () => {
    expect(AZURE_PUBLIC_REGIONS.filter((r) => REGION_GEOGRAPHY_FALLBACK[r] === undefined)).toEqual([]);
  });

  it("reads --geography as a geography or a region, in any case", () => {
    expect(parseGeography("europe")).toBe("Europe");
    expect(parseGeography("asia pacific")).toBe("Asia Pacific");
    expect(parseGeography("westeurope")).toBe("Europe");
    expect(parseGeography("West Europe")).toBe("Europe");
    expect(parseGeography("Atlantis")).toBeUndefined();
    expect(geographyFromRegionalDisplayName("(Europe) West Europe")).toBe("Europe");
  });

  it("refuses an unknown --geography naming what is accepted; an unknown --near is only no hint", () => {
    const config = parseLabConfig({ owner: "learner@example.com" });
    expect(() => demandWithOverrides(config, false, { geography: "Atlantis" })).toThrow(UserInputError);
    expect(() => demandWithOverrides(config, false, { geography: "Atlantis" })).toThrow(/^--geography 'Atlantis' is neither a geography nor a region; use one of Africa, Asia Pacific, Canada, Europe/);
    expect(demandWithOverrides(config, false, { near: "somewhere-new" }).location).toEqual({ near: "somewhere-new" });
    expect(selectRegion(world(), { ...lab, location: { near: "somewhere-new" } }, { seed: 1, now }).choice.why).not.toMatch(/ in /);
  });
});
