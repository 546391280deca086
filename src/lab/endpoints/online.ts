import * as pulumi from "@pulumi/pulumi";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import type { EndpointConfig } from "../../config/lab-config";
import { modelVersionId } from "../azureml/workspace";
import type { TagMap } from "../tags";
import { EndpointTraffic } from "./traffic";

/**
 * An Azure ML online endpoint with one MLflow "no-code" deployment and its traffic: shared by the managed
 * kind and the Kubernetes (AKS) kind, which differ only in where the deployment runs.
 */
export const DEPLOYMENT_NAME = "blue";

export type OnlineTarget =
  | { computeType: "Managed"; instanceType: string; instanceCount: number }
  | { computeType: "Kubernetes"; computeId: pulumi.Input<string>; instanceType: string; instanceCount: number };

export interface OnlineEndpointArgs {
  endpoint: EndpointConfig;
  azureName: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  workspaceName: pulumi.Input<string>;
  workspaceId: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  target: OnlineTarget;
}

/** What the managed and Kubernetes kinds pass in: everything but where the deployment runs. */
export type OnlineEndpointKindArgs = Omit<OnlineEndpointArgs, "target">;

export interface ServedEndpoint {
  kind: EndpointConfig["kind"];
  scoringUri: pulumi.Output<string>;
  /** Secret. */
  key: pulumi.Output<string>;
}

/** `name`: the endpoint component's, which starts its children's names (`<name>-online`, `<name>-deployment`, `<name>-traffic`). */
export function createOnlineEndpoint(name: string, args: OnlineEndpointArgs, parent: pulumi.Resource): ServedEndpoint {
  const { endpoint, target } = args;
  const common = {
    resourceGroupName: args.resourceGroupName,
    workspaceName: args.workspaceName,
    location: args.location,
    tags: args.tags,
  };

  const onlineEndpoint = new machinelearningservices.OnlineEndpoint(
    `${name}-online`,
    {
      ...common,
      endpointName: args.azureName,
      identity: { type: "SystemAssigned" },
      properties: {
        // Azure ML has no anonymous mode for online endpoints; Key is what the scoring client sends.
        authMode: "Key",
        description: `MLflow lab endpoint ${endpoint.name} serving ${endpoint.model.name}:${endpoint.model.version}`,
        ...(target.computeType === "Kubernetes" ? { compute: target.computeId } : {}),
      },
    },
    // Traffic is owned by EndpointTraffic below; without this Pulumi would PUT it back to empty.
    { parent, ignoreChanges: ["properties.traffic"], customTimeouts: { create: "30m", update: "30m" } },
  );

  const deploymentSettings = {
    model: modelVersionId(args.workspaceId, endpoint.model),
    instanceType: target.instanceType,
    scaleSettings: { scaleType: "Default" as const },
    appInsightsEnabled: true,
  };
  const deployment = new machinelearningservices.OnlineDeployment(
    `${name}-deployment`,
    {
      ...common,
      endpointName: onlineEndpoint.name,
      deploymentName: DEPLOYMENT_NAME,
      sku: { name: "Default", capacity: target.instanceCount },
      // No environmentId and no codeConfiguration: for an mlflow_model Azure ML builds the scoring
      // environment from the model's own conda.yaml ("no-code deployment").
      // Managed and Kubernetes deployments differ only in endpointComputeType (spelt out per branch: the
      // SDK's union type takes each literal, not the union of them).
      properties:
        target.computeType === "Managed"
          ? { endpointComputeType: "Managed", ...deploymentSettings }
          : { endpointComputeType: "Kubernetes", ...deploymentSettings },
    },
    // Image builds and quota checks make deployments slow (often 10-20 min).
    { parent, customTimeouts: { create: "60m", update: "60m" } },
  );

  new EndpointTraffic(
    `${name}-traffic`,
    {
      endpointId: onlineEndpoint.id,
      traffic: { [DEPLOYMENT_NAME]: 100 },
      endpointRevision: pulumi.output(args.tags).apply((tags) => JSON.stringify(tags)),
    },
    { parent, dependsOn: [deployment] },
  );

  // Read through the endpoint's outputs so the look-up waits for the endpoint (and is skipped during a
  // preview that will create it).
  const keys = machinelearningservices.listOnlineEndpointKeysOutput(
    {
      endpointName: onlineEndpoint.name,
      resourceGroupName: args.resourceGroupName,
      workspaceName: args.workspaceName,
    },
    { parent },
  );

  return {
    kind: endpoint.kind,
    scoringUri: onlineEndpoint.properties.apply((properties) => properties.scoringUri ?? ""),
    key: pulumi.secret(keys.apply((k) => k.primaryKey ?? "")),
  };
}
