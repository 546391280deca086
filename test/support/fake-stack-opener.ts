import type { Stack } from "@pulumi/pulumi/automation";
import type { StackOpener } from "../../src/deploy/pulumi-deployer";

/**
 * Stands in for the Automation API's LocalWorkspace in PulumiDeployer (the Pulumi CLI cannot be installed
 * here): stacks live in memory, `select` of a missing stack fails with the CLI's own text, and every
 * open is recorded so tests can tell which calls could have created a stack.
 */
export interface FakeStackOpener extends StackOpener {
  stacks: Map<string, { config: Record<string, { value: string; secret: boolean }>; outputs: Record<string, { value: unknown; secret: boolean }> }>;
  opens: string[];
  /** Makes every open fail with this error, as the engine does when the CLI is missing. */
  failWith?: Error;
}

export function fakeStackOpener(existing: Record<string, { config?: Record<string, string>; outputs?: Record<string, unknown> }> = {}): FakeStackOpener {
  const stacks: FakeStackOpener["stacks"] = new Map(
    Object.entries(existing).map(([name, s]) => [
      name,
      {
        config: Object.fromEntries(Object.entries(s.config ?? {}).map(([k, v]) => [k, { value: v, secret: false }])),
        outputs: Object.fromEntries(Object.entries(s.outputs ?? {}).map(([k, v]) => [k, { value: v, secret: false }])),
      },
    ]),
  );
  const handle = (name: string): Stack => {
    const state = stacks.get(name)!;
    return {
      getAllConfig: async () => state.config,
      setAllConfig: async (map: Record<string, { value: string; secret?: boolean }>) => {
        for (const [k, v] of Object.entries(map)) state.config[k] = { value: v.value, secret: v.secret ?? false };
      },
      outputs: async () => state.outputs,
      destroy: async () => ({ stdout: "", stderr: "", summary: {} }),
    } as unknown as Stack;
  };
  const opener: FakeStackOpener = {
    stacks,
    opens: [],
    async createOrSelect(args) {
      opener.opens.push(`createOrSelect ${args.stackName}`);
      if (opener.failWith) throw opener.failWith;
      if (!stacks.has(args.stackName)) stacks.set(args.stackName, { config: {}, outputs: {} });
      return handle(args.stackName);
    },
    async select(args) {
      opener.opens.push(`select ${args.stackName}`);
      if (opener.failWith) throw opener.failWith;
      if (!stacks.has(args.stackName)) {
        throw new Error(`code: 255\n stdout: \n stderr: error: no stack named '${args.stackName}' found\n`);
      }
      return handle(args.stackName);
    },
  };
  return opener;
}
