import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { SUBSCRIPTIONS_ENV } from "../../../src/cleanup/settings";
import { SUBSCRIPTIONS_ENV as SUBSCRIPTIONS_ENV_IN_HELP } from "../../../src/cli/commands/register/cleanup";
import { projectRoot } from "../../../src/config/stack-settings";

/**
 * Start-up pays only for commander and the option definitions: each command's run module (Pulumi SDK,
 * Azure SDK clients, storage, progress bars, yaml/zod) is loaded inside its action.
 */
describe("registering the commands", () => {
  it("loads none of the commands' heavy dependencies", { timeout: 60_000 }, () => {
    const root = projectRoot();
    const script = `
      require("tsx/cjs");
      const { buildProgram } = require(${JSON.stringify(path.join(root, "src", "cli", "main.ts"))});
      buildProgram().helpInformation();
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));
    `;
    const loaded = JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" })) as string[];
    const heavy = loaded.filter((file) => /node_modules[\\/](@pulumi|@azure|cli-progress|cli-table3|zod|yaml)[\\/]/.test(file));
    expect(heavy).toEqual([]);
    const commandModules = loaded.filter((file) => /src[\\/]cli[\\/]commands[\\/][^\\/]+\.ts$/.test(file)).map((file) => path.basename(file));
    expect(commandModules).toEqual(["index.ts"]);
  });

  it("cleanup's help names the same environment variable the settings read", () => {
    expect(SUBSCRIPTIONS_ENV_IN_HELP).toBe(SUBSCRIPTIONS_ENV);
  });
});
