import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chooseSubscription, type AskSubscription } from "../../../src/regions/sources/live";
import type { SubscriptionSummary } from "../../../src/regions/sources/subscription";

/** One subscription choice for `regions` (reads) and `deploy` (which may ask on a terminal). */
const A = "aaaaaaaa-0000-4000-8000-000000000001";
const B = "bbbbbbbb-0000-4000-8000-000000000002";
const OFF = "cccccccc-0000-4000-8000-000000000003";
const sub = (id: string, state = "Enabled"): SubscriptionSummary => ({ id, displayName: `name-${id.slice(0, 4)}`, state, quotaId: null });

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "choose-sub-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An environment whose Azure CLI default subscription is `id` (none when undefined). */
function envWithCliDefault(id?: string): NodeJS.ProcessEnv {
  if (id) fs.writeFileSync(path.join(dir, "azureProfile.json"), JSON.stringify({ subscriptions: [{ id, isDefault: true }] }));
  return { AZURE_CONFIG_DIR: dir };
}

describe("choosing the subscription", () => {
  it("takes --subscription, then AZURE_SUBSCRIPTION_ID, before anything else", async () => {
    expect(await chooseSubscription(A, { ...envWithCliDefault(B), AZURE_SUBSCRIPTION_ID: B }, [sub(B)])).toBe(A);
    expect(await chooseSubscription(undefined, { ...envWithCliDefault(A), AZURE_SUBSCRIPTION_ID: ` ${B} ` }, [sub(A)])).toBe(B);
  });

  it("without a list (regions), the CLI default is taken as it is", async () => {
    expect(await chooseSubscription(undefined, envWithCliDefault(OFF), undefined)).toBe(OFF);
  });

  it("with a list, the only usable subscription wins over a CLI default that is not usable", async () => {
    expect(await chooseSubscription(undefined, envWithCliDefault(OFF), [sub(A), sub(OFF, "Disabled")])).toBe(A);
  });

  it("among several usable ones: the CLI default when it is one of them, else one line asking for --subscription", async () => {
    expect(await chooseSubscription(undefined, envWithCliDefault(B), [sub(A), sub(B, "Warned")])).toBe(B);
    await expect(chooseSubscription(undefined, envWithCliDefault(OFF), [sub(A), sub(B), sub(OFF, "Disabled")])).rejects.toThrow(
      `several subscriptions are usable (${A} name-aaaa; ${B} name-bbbb); pass --subscription ID`,
    );
  });

  it("among several usable ones, a caller that can ask is asked, with the usable CLI default", async () => {
    const asked: Array<[string[], string | undefined]> = [];
    const ask: AskSubscription = async (usable, usableDefault) => {
      asked.push([usable.map((s) => s.id), usableDefault]);
      return A;
    };
    expect(await chooseSubscription(undefined, envWithCliDefault(B), [sub(A), sub(B), sub(OFF, "Disabled")], ask)).toBe(A);
    expect(await chooseSubscription(undefined, envWithCliDefault(OFF), [sub(A), sub(B)], ask)).toBe(A);
    expect(asked).toEqual([[[A, B], B], [[A, B], undefined]]);
  });

  it("with no usable subscription, one line naming the disabled ones", async () => {
    await expect(chooseSubscription(undefined, envWithCliDefault(), [sub(OFF, "Disabled")])).rejects.toThrow(
      `no usable Azure subscription is visible to this sign-in: ${OFF} (Disabled); sign in with an account that has one (az login), or pass --subscription ID`,
    );
  });
});
