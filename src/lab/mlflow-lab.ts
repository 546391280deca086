import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import type { LabConfig } from "../config/lab-config";
import { MlWorkspace } from "./azureml/workspace";
import { DatabricksLab } from "./databricks";
import { fetchVerifiedDataset } from "./databricks/dataset";
import { grantLearnersReader } from "./class-access";
import { AciEndpoint } from "./endpoints/aci";
import { AksInference, KubernetesEndpoint } from "./endpoints/aks";
import { ManagedEndpoint } from "./endpoints/managed";
import type { ServedEndpoint } from "./endpoints/online";
import { resolveLabArgs, type LabSettings, type MlflowLabArgs } from "./lab-args";
import { LabLease } from "./lease";
import { childNamePrefix, labNames, labSuffix } from "./naming";
import { labTagsOutput } from "./tags";

export interface EndpointOutput {
  kind: "aci" | "aks" | "managed" | "databricks";
  scoringUri: string;
}

/** What a lab exports: the Pulumi program's stack outputs (src/index.ts exports them as they are). */
export interface LabOutputs {
  region: string;
  /** `msl-<suffix>`: the `lab-id` tag on everything the lab creates (teardown and cleanup find it by this). */
  labId: string;
  resourceGroupName: pulumi.Output<string>;
  workspaceUrl: pulumi.Output<string>;
  /** Absent on serverless compute, which has no cluster. */
  clusterId?: pulumi.Output<string>;
  catalogMode: LabConfig["catalogMode"];
  compute: LabConfig["compute"];
  /** The data file as the notebook reads it: a Unity Catalog volume path, or the DBFS root path (legacy). */
  dataPath: string;
  /** The model the notebook registers and the Databricks serving endpoint serves. */
  registeredModel: string;
  amlWorkspaceName?: pulumi.Output<string>;
  /** ARM id of the Azure ML workspace: where `mlflow-lab push-model --stack` registers models. */
  amlWorkspaceId?: pulumi.Output<string>;
  mlflowTrackingUri?: pulumi.Output<string>;
  /** Endpoint name → kind and scoring URI (Azure endpoints and the Databricks serving endpoint). */
  endpoints: pulumi.Output<Record<string, EndpointOutput>>;
  /** Secret: endpoint name → key (Databricks serving uses workspace tokens and has none here). */
  endpointKeys: pulumi.Output<Record<string, string>>;
  /** When the lab was created and when it expires (ISO 8601 UTC): the `lab-created-at`/`lab-expires-at` tags. */
  createdAt: pulumi.Output<string>;
  expiresAt: pulumi.Output<string>;
}

/**
 * The lab's outputs as properties of the component (`lab.workspaceUrl`, `lab.endpointKeys`), each an
 * Output; those a lab may not have (`clusterId` on serverless, the Azure ML ones without `azureMl`) hold
 * undefined.
 */
export type MlflowLabOutputs = { readonly [K in keyof LabOutputs]-?: pulumi.Output<pulumi.Unwrap<LabOutputs[K]>> };

const OUTPUT_NAMES = [
  "region",
  "labId",
  "resourceGroupName",
  "workspaceUrl",
  "clusterId",
  "catalogMode",
  "compute",
  "dataPath",
  "registeredModel",
  "amlWorkspaceName",
  "amlWorkspaceId",
  "mlflowTrackingUri",
  "endpoints",
  "endpointKeys",
  "createdAt",
  "expiresAt",
] as const satisfies ReadonlyArray<keyof LabOutputs>;
// Fails to compile when LabOutputs gains a key that is not listed above.
const OUTPUTS_LISTED: Exclude<keyof LabOutputs, (typeof OUTPUT_NAMES)[number]> extends never ? true : never = true;
void OUTPUTS_LISTED;

/** Pulumi type token of the component (kept: it is part of every URN existing stacks hold). */
export const MLFLOW_LAB_TYPE = "azure-mlflow-lab:index:Lab";

// The outputs are declared on the class through this interface (declaration merging) and assigned from
// OUTPUT_NAMES in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface MlflowLab extends MlflowLabOutputs {}

/**
 * An MLflow-on-Azure lab as one Pulumi component: resource group, Premium Databricks workspace with the
 * lab's compute, data, notebook and optional serving endpoint, optional Azure ML workspace and serving
 * endpoints, all tagged with the lab's id, owner and expiry.
 *
 * ```ts
 * const lab = new MlflowLab("team-a", { owner: "ada@contoso.com", region: "westeurope" });
 * export const workspaceUrl = lab.workspaceUrl;
 * ```
 *
 * Children are named `<name>-<role>` (`team-a-resource-group`, `team-a-databricks-workspace`), so several
 * labs fit in one program and a lab can be parented under another component. The Pulumi program's own lab
 * is named `lab` and its children keep the bare role names (`resource-group`), the names stacks created
 * before this component existed hold. Azure names come from the lab's suffix (see `MlflowLabArgs.suffix`).
 *
 * The args are validated in the constructor (a bad value throws its one-line error before anything is
 * registered). The children are declared once the subscription is known (the default suffix is derived
 * from it); `outputs` resolves when they are.
 */
export class MlflowLab extends pulumi.ComponentResource<LabOutputs> {
  /** The validated args, defaults applied. */
  declare readonly settings: LabSettings;
  /**
   * The outputs as the Pulumi program exports them (region, lab id, data path and model as plain values),
   * once every child is declared.
   */
  declare readonly outputs: Promise<LabOutputs>;
  declare private readonly labName: string;
  declare private readonly datasetFetcher: NonNullable<MlflowLabArgs["fetchDataset"]>;

  constructor(name: string, args: MlflowLabArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = resolveLabArgs(name, args);
    super(MLFLOW_LAB_TYPE, name, {}, opts);
    this.settings = settings;
    this.labName = name;
    this.datasetFetcher =
      args.fetchDataset ?? ((url, sha256) => fetchVerifiedDataset(url, sha256).then((bytes) => bytes.toString("base64")));
    // The engine must not wind down before the children are declared (after the client-config invoke).
    // `finally` leaves a failure unhandled once, so Pulumi reports it even when nothing reads the outputs.
    const done = pulumi.runtime.rpcKeepAlive();
    const declared = this.getData();
    void declared.finally(done);
    this.outputs = declared;
    // Each output is made on first read, so a failure is not reported again for every output nobody reads.
    const made = new Map<string, pulumi.Output<unknown>>();
    for (const key of OUTPUT_NAMES) {
      Object.defineProperty(this, key, {
        enumerable: true,
        get: () => {
          let output = made.get(key);
          if (!output) made.set(key, (output = pulumi.output(declared.then((outputs) => outputs[key]))));
          return output;
        },
      });
    }
  }

  /**
   * Called by ComponentResource's constructor, before this class's constructor body has run; one turn
   * later that body has finished (constructors are synchronous), so the settings are there.
   */
  protected override async initialize(): Promise<LabOutputs> {
    await Promise.resolve();
    return this.declareChildren();
  }

  private async declareChildren(): Promise<LabOutputs> {
    const settings = this.settings;
    const client = await authorization.getClientConfig({ parent: this });
    const suffix = settings.suffix ?? labSuffix(pulumi.getProject(), pulumi.getStack(), this.labName, client.subscriptionId);
    const names = labNames(suffix);
    const prefix = childNamePrefix(this.labName);
    const child = { parent: this };

    const lease = new LabLease(`${prefix}lab-lease`, { ttl: settings.ttl, ttlSeconds: settings.ttlSeconds }, child);
    const tags = labTagsOutput(names.labId, settings.owner, lease, settings.classId);

    const group = new resources.ResourceGroup(
      `${prefix}resource-group`,
      { resourceGroupName: names.resourceGroup, location: settings.region, tags },
      child,
    );
    const common = { resourceGroupName: group.name, location: settings.region, tags };
    grantLearnersReader(`${prefix}learner-reader`, { learners: settings.learners, resourceGroupId: group.id, subscriptionId: client.subscriptionId }, child);

    const databricksLab = new DatabricksLab(
      `${prefix}databricks`,
      {
        settings,
        names,
        namePrefix: prefix,
        resourceGroupName: group.name,
        subscriptionId: client.subscriptionId,
        tags,
        fetchDataset: this.datasetFetcher,
      },
      child,
    );

    const served: Record<string, ServedEndpoint> = {};
    let ml: MlWorkspace | undefined;
    if (settings.azureMl) {
      ml = new MlWorkspace(
        `${prefix}azureml`,
        {
          names,
          namePrefix: prefix,
          ...common,
          tenantId: client.tenantId,
          withContainerRegistry: settings.endpoints.some((e) => e.kind === "managed" || e.kind === "aks"),
        },
        child,
      );
      const workspace = ml.workspace;
      const onWorkspace = { ...common, workspaceName: workspace.name, workspaceId: workspace.id };

      const aksEndpoints = settings.endpoints.filter((e) => e.kind === "aks");
      const aks =
        aksEndpoints.length > 0
          ? new AksInference(
              `${prefix}aks`,
              { names, ...common, workspaceName: workspace.name, sizes: aksEndpoints.map((e) => e.size) },
              child,
            )
          : undefined;

      for (const endpoint of settings.endpoints) {
        const componentName = `${prefix}endpoint-${endpoint.name}`;
        const endpointArgs = { endpoint, azureName: names.endpoint(endpoint.name), ...onWorkspace };
        if (endpoint.kind === "managed") {
          served[endpoint.name] = new ManagedEndpoint(componentName, endpointArgs, child).served;
        } else if (endpoint.kind === "aks") {
          served[endpoint.name] = new KubernetesEndpoint(componentName, { ...endpointArgs, computeId: aks!.compute.id }, { parent: aks }).served;
        } else {
          served[endpoint.name] = new AciEndpoint(
            componentName,
            {
              endpoint,
              azureName: names.endpoint(endpoint.name),
              ...common,
              subscriptionId: client.subscriptionId,
              mlflowTrackingUri: ml.mlflowTrackingUri,
              workspaceId: workspace.id,
              storageAccountId: ml.storageAccount.id,
              storageAccountName: ml.storageAccount.name,
            },
            child,
          ).served;
        }
      }
    }

    const endpointUris: Record<string, pulumi.Output<EndpointOutput>> = {};
    for (const [endpointName, endpoint] of Object.entries(served)) {
      endpointUris[endpointName] = endpoint.scoringUri.apply((scoringUri) => ({ kind: endpoint.kind, scoringUri }));
    }
    if (databricksLab.servingUrl) {
      endpointUris[settings.databricksServing.name] = databricksLab.servingUrl.apply((scoringUri) => ({
        kind: "databricks" as const,
        scoringUri,
      }));
    }
    const keys = Object.fromEntries(Object.entries(served).map(([endpointName, e]) => [endpointName, e.key]));

    this.registerOutputs({ labId: names.labId, expiresAt: lease.expiresAt });
    return {
      region: settings.region,
      labId: names.labId,
      resourceGroupName: group.name,
      workspaceUrl: databricksLab.workspaceUrl,
      ...(databricksLab.cluster ? { clusterId: databricksLab.cluster.id } : {}),
      catalogMode: settings.catalogMode,
      compute: settings.compute,
      dataPath: databricksLab.layout.dataPath,
      registeredModel: databricksLab.layout.modelName,
      ...(ml ? { amlWorkspaceName: ml.workspace.name, amlWorkspaceId: ml.workspace.id, mlflowTrackingUri: ml.mlflowTrackingUri } : {}),
      endpoints: pulumi.output(endpointUris) as pulumi.Output<Record<string, EndpointOutput>>,
      endpointKeys: pulumi.secret(pulumi.output(keys)) as pulumi.Output<Record<string, string>>,
      createdAt: lease.createdAt,
      expiresAt: lease.expiresAt,
    };
  }
}
