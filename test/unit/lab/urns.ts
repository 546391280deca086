import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, parseLabConfig } from "../../../src/config/lab-config";
import { readStackSettings } from "../../../src/config/stack-settings";
import { buildLab } from "../../../src/lab";
import { planDatasetFetcher } from "../../../src/plan/engine";
import { PlanMocks } from "../../../src/plan/mocks";

/**
 * The URNs a Pulumi engine would give the resources of a program, recorded under the mock runtime, with
 * the URNs each resource's `aliases` stand for. The mock monitor's own URNs carry only the parent's type
 * (`Parent$Type`); the engine's carry the whole chain of parent types (`Lab$DatabricksLab$Type`), which
 * is what decides whether `pulumi up` on an existing stack finds a resource again, so the chain is rebuilt
 * here from the registrations. Resources without a parent hang off the stack, whose type is not part of
 * a URN (www.pulumi.com/docs/iac/concepts/resources/names/#urns).
 */
export interface RegisteredUrn {
  urn: string;
  /** Every URN the engine would accept as this resource's earlier identity: its aliases, and the
   * aliases it inherits from its parents' aliases. */
  aliases: string[];
}

interface Registration {
  type: string;
  name: string;
  /** The mock monitor's URN of the parent ("" for none). */
  parent: string;
  aliases: AliasRequest[];
}

interface AliasRequest {
  urn?: string;
  name?: string;
  type?: string;
  /** undefined: the resource's own parent; null: no parent; else the parent's URN as the SDK sent it. */
  parent?: string | null;
}

interface AliasProto {
  getUrn(): string;
  getSpec():
    | { getName(): string; getType(): string; hasParenturn(): boolean; getParenturn(): string; getNoparent(): boolean }
    | undefined;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getAliasesList(): AliasProto[];
}

function mockUrn(stack: string, parent: string, type: string, name: string): string {
  const qualified = parent ? `${parent.split("::")[2]!.split("$").pop()}$${type}` : type;
  return `urn:pulumi:${[stack, PROJECT_NAME, qualified, name].join("::")}`;
}

function aliasRequest(alias: AliasProto): AliasRequest {
  const spec = alias.getSpec();
  if (!spec) return { urn: alias.getUrn() };
  return {
    ...(spec.getName() ? { name: spec.getName() } : {}),
    ...(spec.getType() ? { type: spec.getType() } : {}),
    ...(spec.getNoparent() ? { parent: null } : spec.hasParenturn() ? { parent: spec.getParenturn() } : {}),
  };
}

/** Runs `program` under the plan's mocks and returns every resource's engine URN and alias URNs. */
export async function recordUrns(stack: string, program: () => Promise<unknown>): Promise<RegisteredUrn[]> {
  await pulumi.runtime.setMocks(new PlanMocks(), PROJECT_NAME, stack, false);
  const registrations = new Map<string, Registration>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, callback: unknown): unknown };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    registrations.set(mockUrn(stack, req.getParent(), req.getType(), req.getName()), {
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      aliases: req.getAliasesList().map(aliasRequest),
    });
    return original(req, callback);
  };
  await program();
  const runtime = pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> };
  await runtime.waitForRPCs?.();

  const urnOf = (parentUrn: string | undefined, type: string, name: string) => {
    const qualified = parentUrn ? `${parentUrn.split("::")[2]}$${type}` : type;
    return `urn:pulumi:${[stack, PROJECT_NAME, qualified, name].join("::")}`;
  };
  const current = new Map<Registration, string>();
  const candidates = new Map<Registration, string[]>();
  // Current URN first, then the ones the engine would also match: the resource under each earlier URN
  // of its parent, and each alias under the parent it names (or under each of its parent's URNs).
  const resolve = (registration: Registration): { urn: string; all: string[] } => {
    const known = current.get(registration);
    if (known) return { urn: known, all: candidates.get(registration)! };
    const parent = registration.parent ? registrations.get(registration.parent) : undefined;
    if (registration.parent && !parent) throw new Error(`${registration.name}: parent ${registration.parent} was not registered`);
    const parentUrns = parent ? resolve(parent) : undefined;
    const urn = urnOf(parentUrns?.urn, registration.type, registration.name);
    const all = new Set<string>(parentUrns ? parentUrns.all.map((p) => urnOf(p, registration.type, registration.name)) : [urn]);
    for (const alias of registration.aliases) {
      if (alias.urn) {
        all.add(alias.urn);
        continue;
      }
      const type = alias.type ?? registration.type;
      const name = alias.name ?? registration.name;
      let parents: Array<string | undefined>;
      if (alias.parent === null) parents = [undefined];
      else if (alias.parent === undefined) parents = parentUrns ? parentUrns.all : [undefined];
      else {
        const named = registrations.get(alias.parent);
        parents = named ? resolve(named).all : [alias.parent];
      }
      for (const p of parents) all.add(urnOf(p, type, name));
    }
    current.set(registration, urn);
    candidates.set(registration, [...all]);
    return { urn, all: [...all] };
  };
  return [...registrations.values()].map((registration) => {
    const { urn, all } = resolve(registration);
    return { urn, aliases: all.filter((candidate) => candidate !== urn) };
  });
}

/** The programs whose URNs existing stacks hold: every preset, and legacy mode with Databricks serving. */
export const URN_CASES: Record<string, { stack: string; raw: Record<string, unknown> }> = {
  lab: { stack: "lab", raw: readStackSettings("lab").config },
  course: { stack: "course", raw: readStackSettings("course").config },
  full: { stack: "full", raw: readStackSettings("full").config },
  serverless: { stack: "serverless", raw: readStackSettings("serverless").config },
  legacy: { stack: "legacy", raw: { catalogMode: "legacy", databricksServing: { enabled: true } } },
};

/** The Pulumi program's lab (buildLab, as src/index.ts runs it) for one case. */
export function recordProgramUrns(name: keyof typeof URN_CASES): Promise<RegisteredUrn[]> {
  const { stack, raw } = URN_CASES[name]!;
  const config = parseLabConfig({ ...raw, owner: "learner@contoso.com" });
  return recordUrns(stack, () => buildLab(config, { fetchDataset: planDatasetFetcher }));
}
