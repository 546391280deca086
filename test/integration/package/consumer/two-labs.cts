// A library user's Pulumi program against the installed package: a classroom component holding two labs.
// package.test.ts compiles it with tsc (module node16: the package's `exports` and `types` decide what
// resolves) and runs it with plain node under Pulumi's mock runtime; it prints what was registered as JSON.
import Module = require("node:module");
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MlflowLab, UserInputError, type LabOutputs, type MlflowLabArgs } from "azure-mlflow-lab";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

class Classroom extends pulumi.ComponentResource {
  readonly labs: MlflowLab[];

  constructor(name: string, learners: Record<string, MlflowLabArgs>) {
    super("school:index:Classroom", name, {});
    this.labs = Object.entries(learners).map(([learner, args]) => new MlflowLab(learner, args, { parent: this }));
    this.registerOutputs({});
  }
}

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

/** Runs a dynamic provider as Pulumi's provider host would: its serialized module, evaluated on its own. */
async function runSerializedLease(serialized: string): Promise<Record<string, unknown>> {
  const module = new Module(path.join(process.cwd(), "serialized-lease.js"));
  (module as unknown as { paths: string[] }).paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(process.cwd());
  (module as unknown as { _compile(code: string, file: string): void })._compile(serialized, "serialized-lease.js");
  const provider = (module.exports as { handler: () => { create(inputs: unknown): Promise<{ outs: Record<string, unknown> }> } }).handler();
  return (await provider.create({ ttl: "30m", ttlSeconds: 1800 })).outs;
}

async function main(): Promise<void> {
  const registered: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs } };
      },
      call: (args) =>
        args.token === "azure-native:authorization:getClientConfig"
          ? { subscriptionId: "11111111-2222-3333-4444-555555555555", tenantId: "t", clientId: "c", objectId: "o" }
          : {},
    },
    "consumer",
    "dev",
  );

  const dataset = () => Buffer.from("Island,CulmenLength\nBiscoe,48.7\n").toString("base64");
  const room = new Classroom("room", {
    "team-a": { owner: "ada@contoso.com", region: "westeurope", fetchDataset: dataset },
    "team-b": {
      owner: "grace@contoso.com",
      compute: "serverless",
      azureMl: true,
      endpoints: [{ name: "penguin-aci", kind: "aci", model: "penguin-classifier:1" }],
      fetchDataset: dataset,
    },
  });
  const outputs: LabOutputs[] = await Promise.all(room.labs.map((lab) => lab.outputs));
  const labIds = await Promise.all(room.labs.map((lab) => value(lab.labId)));

  let rejected = "";
  try {
    new MlflowLab("bad", { owner: "ada@contoso.com", ttl: "forever" });
  } catch (error) {
    rejected = error instanceof UserInputError ? error.message : `not a UserInputError: ${String(error)}`;
  }

  // Registrations reach the mock monitor asynchronously: wait until none has arrived for a while.
  for (let seen = -1; seen !== registered.length; ) {
    seen = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const lease = registered.find((r) => r.type === "pulumi-nodejs:dynamic/lab:LabLease")!;
  const leaseCreated = await runSerializedLease(lease.inputs.__provider);
  for (const r of registered) delete r.inputs.__provider;
  process.stdout.write(
    JSON.stringify({
      registered,
      outputs: outputs.map((o) => ({ region: o.region, labId: o.labId, compute: o.compute, dataPath: o.dataPath })),
      labIds,
      rejected,
      leaseCreated,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
