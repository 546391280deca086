import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import * as machinelearningservices from "@pulumi/azure-native/machinelearningservices";
import { AKS_SHAPE, aksShapeFor, type EndpointSize } from "../../config/endpoint-sizes";
import type { LabNames } from "../naming";
import type { TagMap } from "../tags";
import { createOnlineEndpoint, type OnlineEndpointKindArgs, type ServedEndpoint } from "./online";

/** Namespace the Azure ML extension installs into and the attached compute deploys to. */
export const AZUREML_NAMESPACE = "azureml";
/** The instance type the Azure ML extension creates by default. */
export const DEFAULT_INSTANCE_TYPE = "defaultinstancetype";

/**
 * The settings the lab chooses for the Azure ML extension on a small lab cluster.
 */
export const AZUREML_EXTENSION_SETTINGS: Record<string, string> = {
  enableTraining: "False",
  enableInference: "True",
  inferenceRouterServiceType: "LoadBalancer",
  // The lab serves plain HTTP on the load balancer (no TLS certificate to manage); calls still need the
  // endpoint key. Production clusters set sslSecret/sslCname instead.
  allowInsecureConnections: "True",
  // HA routing wants three nodes; the lab runs one to three.
  inferenceRouterHA: "False",
  installNvidiaDevicePlugin: "False",
  installDcgmExporter: "False",
};

export interface ExtensionClusterFacts {
  /** ARM id of the managed cluster. */
  clusterId: string;
  clusterName: string;
  /** Programmatic region name (the CLI lower-cases the cluster's location). */
  location: string;
  /** Nodes over all agent pools. */
  nodeCount: number;
}

/**
 * Every setting `az k8s-extension create --extension-type Microsoft.AzureML.Kubernetes --cluster-type
 * managedClusters` sends for the lab's own settings: IaC gets none of what the CLI injects, and an
 * extension created without them has failed (hashicorp/terraform-provider-azurerm#24547). Mirrors
 * AzureMLKubernetes.Create in Azure/azure-cli-extensions
 * src/k8s-extension/azext_k8s_extension/partner_extensions/AzureMLKubernetes.py (commit 3f6c0dae, read
 * 2026-12-03): clusterPurpose DevTest under 3 nodes; cluster_name (the cluster's ARM id, copied into
 * clusterId and prometheus.prometheusSpec.externalLabels.cluster_name by its reference mapping), domain
 * `<location>.cloudapp.azure.com`, location, jobSchedulerLocation, cluster_name_friendly; servicebus and,
 * for managed clusters, relayserver off (no Relay or Service Bus namespace is created), nginxIngress on.
 * The CLI writes the injected booleans as lower-case strings; they are kept so.
 */
export function azureMlExtensionSettings(cluster: ExtensionClusterFacts): Record<string, string> {
  return {
    ...AZUREML_EXTENSION_SETTINGS,
    ...(cluster.nodeCount < 3 ? { clusterPurpose: "DevTest" } : {}),
    cluster_name: cluster.clusterId,
    clusterId: cluster.clusterId,
    "prometheus.prometheusSpec.externalLabels.cluster_name": cluster.clusterId,
    domain: `${cluster.location}.cloudapp.azure.com`,
    location: cluster.location,
    jobSchedulerLocation: cluster.location,
    cluster_name_friendly: cluster.clusterName,
    "servicebus.enabled": "false",
    "relayserver.enabled": "false",
    "nginxIngress.enabled": "true",
  };
}

export interface AksInferenceArgs {
  names: Pick<LabNames, "aksCluster" | "aksCompute">;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  workspaceName: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
  /** Sizes of the aks endpoints sharing this cluster: the cluster is sized for the largest. */
  sizes: EndpointSize[];
}

/**
 * One AKS cluster shared by all `aks` endpoints, in Azure's documented order: cluster → Azure ML
 * extension with inference → attached to the workspace as Kubernetes compute (v2; not the legacy AKS
 * compute type) → endpoints and deployments.
 */
export class AksInference extends pulumi.ComponentResource {
  readonly cluster: containerservice.ManagedCluster;
  readonly compute: machinelearningservices.Compute;

  constructor(name: string, args: AksInferenceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:endpoints:AksInference", name, {}, opts);
    const shape = aksShapeFor(args.sizes);

    this.cluster = new containerservice.ManagedCluster(
      `${name}-cluster`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        resourceName: args.names.aksCluster,
        dnsPrefix: args.names.aksCluster,
        // Azure ML does not support service-principal clusters.
        identity: { type: "SystemAssigned" },
        sku: { name: "Base", tier: "Free" },
        enableRBAC: true,
        agentPoolProfiles: [
          {
            name: "system",
            mode: "System",
            osType: "Linux",
            type: "VirtualMachineScaleSets",
            vmSize: shape.nodeVmSize,
            count: shape.nodeCount,
            enableAutoScaling: false,
          },
        ],
        tags: args.tags,
      },
      // Azure picks and upgrades the Kubernetes version; Pulumi must not fight it (pulumi-azure-native#1298).
      { parent: this, ignoreChanges: ["kubernetesVersion"], customTimeouts: { create: "45m", update: "45m" } },
    );

    const extension = new kubernetesconfiguration.Extension(
      `${name}-azureml-extension`,
      {
        resourceGroupName: args.resourceGroupName,
        clusterRp: "Microsoft.ContainerService",
        clusterResourceName: "managedClusters",
        clusterName: this.cluster.name,
        extensionName: "azureml",
        extensionType: "Microsoft.AzureML.Kubernetes",
        releaseTrain: "stable",
        autoUpgradeMinorVersion: true,
        scope: { cluster: { releaseNamespace: AZUREML_NAMESPACE } },
        identity: { type: "SystemAssigned" },
        configurationSettings: pulumi
          .all([this.cluster.id, this.cluster.name])
          .apply(([clusterId, clusterName]) =>
            azureMlExtensionSettings({ clusterId, clusterName, location: args.location, nodeCount: shape.nodeCount }),
          ),
      },
      { parent: this, customTimeouts: { create: "45m", update: "45m" } },
    );

    this.compute = new machinelearningservices.Compute(
      `${name}-compute`,
      {
        resourceGroupName: args.resourceGroupName,
        workspaceName: args.workspaceName,
        location: args.location,
        computeName: args.names.aksCompute,
        identity: { type: "SystemAssigned" },
        properties: {
          computeType: "Kubernetes",
          resourceId: this.cluster.id,
          description: "AKS cluster of the MLflow lab",
          properties: { namespace: AZUREML_NAMESPACE, defaultInstanceType: DEFAULT_INSTANCE_TYPE },
        },
        tags: args.tags,
      },
      { parent: this, dependsOn: [extension] },
    );
    this.registerOutputs({ clusterId: this.cluster.id, computeId: this.compute.id });
  }
}

export interface KubernetesEndpointArgs extends OnlineEndpointKindArgs {
  computeId: pulumi.Input<string>;
}

/** An Azure ML Kubernetes online endpoint on the shared AKS compute. */
export class KubernetesEndpoint extends pulumi.ComponentResource {
  readonly served: ServedEndpoint;

  constructor(name: string, args: KubernetesEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:endpoints:Kubernetes", name, {}, opts);
    this.served = createOnlineEndpoint(
      name,
      {
        ...args,
        target: {
          computeType: "Kubernetes",
          computeId: args.computeId,
          instanceType: DEFAULT_INSTANCE_TYPE,
          instanceCount: AKS_SHAPE[args.endpoint.size].instanceCount,
        },
      },
      this,
    );
    this.registerOutputs({ scoringUri: this.served.scoringUri });
  }
}
