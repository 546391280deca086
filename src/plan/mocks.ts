import type * as pulumi from "@pulumi/pulumi";
import { DEPLOY_TIME } from "./markers";

/**
 * Pulumi mocks that stand in for Azure and Databricks when the plan (or a test) runs the program. The SDK
 * turns the returned state into resource outputs verbatim, so everything a provider would compute must
 * be synthesised here (https://www.pulumi.com/docs/iac/concepts/testing/unit/): the `name` Azure assigns, ARM ids, workspace URLs, principal ids,
 * scoring URIs. Values that follow a documented pattern from known inputs are built from it (ARM ids,
 * the Azure ML tracking URI, ACI FQDNs, managed scoring URIs); values only Azure knows are DEPLOY_TIME.
 */
type Inputs = Record<string, any>;

const SUBSCRIPTION = DEPLOY_TIME;

function group(inputs: Inputs): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}`;
}

function mlWorkspace(inputs: Inputs): string {
  return `${group(inputs)}/providers/Microsoft.MachineLearningServices/workspaces/${inputs.workspaceName}`;
}

interface Synthesis {
  /** The input holding the resource's Azure name. */
  nameInput?: string;
  id(inputs: Inputs): string;
  extra?(inputs: Inputs, id: string): Inputs;
}

const withIdentity = (inputs: Inputs): Inputs =>
  inputs.identity ? { identity: { ...inputs.identity, principalId: DEPLOY_TIME, tenantId: DEPLOY_TIME } } : {};

const AZURE: Record<string, Synthesis> = {
  "azure-native:resources:ResourceGroup": {
    nameInput: "resourceGroupName",
    id: (i) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${i.resourceGroupName}`,
  },
  "azure-native:databricks:Workspace": {
    nameInput: "workspaceName",
    id: (i) => `${group(i)}/providers/Microsoft.Databricks/workspaces/${i.workspaceName}`,
    extra: () => ({ workspaceUrl: DEPLOY_TIME, workspaceId: DEPLOY_TIME }),
  },
  "azure-native:machinelearningservices:Workspace": {
    nameInput: "workspaceName",
    id: (i) => mlWorkspace(i),
    // The tracking URI Azure ML reports: azureml://<region>.api.azureml.ms/mlflow/v1.0<workspace id>.
    extra: (i, id) => ({ mlFlowTrackingUri: `azureml://${i.location}.api.azureml.ms/mlflow/v1.0${id}`, ...withIdentity(i) }),
  },
  "azure-native:machinelearningservices:OnlineEndpoint": {
    nameInput: "endpointName",
    id: (i) => `${mlWorkspace(i)}/onlineEndpoints/${i.endpointName}`,
    extra: (i) => ({
      properties: {
        ...i.properties,
        // Managed endpoints answer at a fixed host; Kubernetes ones at the cluster's load balancer.
        scoringUri: i.properties?.compute
          ? DEPLOY_TIME
          : `https://${i.endpointName}.${i.location}.inference.ml.azure.com/score`,
        provisioningState: "Succeeded",
      },
      ...withIdentity(i),
    }),
  },
  "azure-native:machinelearningservices:OnlineDeployment": {
    nameInput: "deploymentName",
    id: (i) => `${mlWorkspace(i)}/onlineEndpoints/${i.endpointName}/deployments/${i.deploymentName}`,
  },
  "azure-native:machinelearningservices:Compute": {
    nameInput: "computeName",
    id: (i) => `${mlWorkspace(i)}/computes/${i.computeName}`,
    extra: (i) => withIdentity(i),
  },
  "azure-native:storage:StorageAccount": {
    nameInput: "accountName",
    id: (i) => `${group(i)}/providers/Microsoft.Storage/storageAccounts/${i.accountName}`,
  },
  "azure-native:storage:FileShare": {
    nameInput: "shareName",
    id: (i) => `${group(i)}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/fileServices/default/shares/${i.shareName}`,
  },
  "azure-native:keyvault:Vault": {
    nameInput: "vaultName",
    id: (i) => `${group(i)}/providers/Microsoft.KeyVault/vaults/${i.vaultName}`,
  },
  "azure-native:operationalinsights:Workspace": {
    nameInput: "workspaceName",
    id: (i) => `${group(i)}/providers/Microsoft.OperationalInsights/workspaces/${i.workspaceName}`,
  },
  "azure-native:applicationinsights:Component": {
    nameInput: "resourceName",
    id: (i) => `${group(i)}/providers/Microsoft.Insights/components/${i.resourceName}`,
  },
  "azure-native:containerregistry:Registry": {
    nameInput: "registryName",
    id: (i) => `${group(i)}/providers/Microsoft.ContainerRegistry/registries/${i.registryName}`,
    extra: (i) => ({ loginServer: `${i.registryName}.azurecr.io` }),
  },
  "azure-native:containerinstance:ContainerGroup": {
    nameInput: "containerGroupName",
    id: (i) => `${group(i)}/providers/Microsoft.ContainerInstance/containerGroups/${i.containerGroupName}`,
    extra: (i) => ({
      ipAddress: { ...i.ipAddress, ip: DEPLOY_TIME, fqdn: `${i.ipAddress?.dnsNameLabel}.${i.location}.azurecontainer.io` },
      ...withIdentity(i),
    }),
  },
  "azure-native:containerservice:ManagedCluster": {
    nameInput: "resourceName",
    id: (i) => `${group(i)}/providers/Microsoft.ContainerService/managedClusters/${i.resourceName}`,
    extra: (i) => ({ fqdn: DEPLOY_TIME, ...withIdentity(i) }),
  },
  "azure-native:kubernetesconfiguration:Extension": {
    nameInput: "extensionName",
    id: (i) =>
      `${group(i)}/providers/Microsoft.ContainerService/managedClusters/${i.clusterName}/providers/Microsoft.KubernetesConfiguration/extensions/${i.extensionName}`,
  },
  "azure-native:authorization:RoleAssignment": {
    nameInput: "roleAssignmentName",
    // The provider generates the assignment's GUID name at deploy time.
    id: (i) => `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${DEPLOY_TIME}`,
  },
  // The janitor program's resources (mlflow-lab plan --stack janitor).
  "azure-native:authorization:RoleDefinition": {
    nameInput: "roleName",
    id: (i) => `${i.scope}/providers/Microsoft.Authorization/roleDefinitions/${i.roleDefinitionId}`,
  },
  "azure-native:managedidentity:UserAssignedIdentity": {
    nameInput: "resourceName",
    id: (i) => `${group(i)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${i.resourceName}`,
    extra: () => ({ principalId: DEPLOY_TIME, clientId: DEPLOY_TIME, tenantId: DEPLOY_TIME }),
  },
  "azure-native:app:ManagedEnvironment": {
    nameInput: "environmentName",
    id: (i) => `${group(i)}/providers/Microsoft.App/managedEnvironments/${i.environmentName}`,
  },
  "azure-native:app:Job": {
    nameInput: "jobName",
    id: (i) => `${group(i)}/providers/Microsoft.App/jobs/${i.jobName}`,
  },
};

/** Outputs of the non-Azure resources the lab uses (Databricks, random, the lab's dynamic resources). */
function otherOutputs(type: string, inputs: Inputs): Inputs {
  switch (type) {
    case "random:index/randomPassword:RandomPassword":
      return { result: DEPLOY_TIME, bcryptHash: DEPLOY_TIME };
    case "pulumi-nodejs:dynamic/lab:LabLease":
      return { createdAt: DEPLOY_TIME, expiresAt: DEPLOY_TIME };
    case "databricks:index/dbfsFile:DbfsFile":
      return { dbfsPath: `dbfs:${inputs.path}`, fileSize: 0 };
    case "pulumi-nodejs:dynamic/lab:UnityCatalogCheck":
      return { metastoreId: DEPLOY_TIME };
    case "databricks:index/schema:Schema":
      return { schemaId: `${inputs.catalogName}.${inputs.name}` };
    case "databricks:index/volume:Volume":
      return { volumePath: `/Volumes/${inputs.catalogName}/${inputs.schemaName}/${inputs.name}` };
    case "databricks:index/file:File":
      return { fileSize: 0, modificationTime: DEPLOY_TIME };
    case "databricks:index/notebook:Notebook":
      return { url: DEPLOY_TIME, objectId: 0, workspacePath: `/Workspace${inputs.path}` };
    case "databricks:index/modelServing:ModelServing":
      return { servingEndpointId: DEPLOY_TIME, endpointUrl: DEPLOY_TIME };
    case "databricks:index/cluster:Cluster":
      return { clusterId: DEPLOY_TIME, state: "RUNNING" };
    default:
      return {};
  }
}

export class PlanMocks implements pulumi.runtime.Mocks {
  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
    const inputs = args.inputs as Inputs;
    const azure = AZURE[args.type];
    if (azure) {
      const id = azure.id(inputs);
      const name = (azure.nameInput && inputs[azure.nameInput]) || args.name;
      return { id, state: { ...inputs, name, azureApiVersion: DEPLOY_TIME, ...(azure.extra?.(inputs, id) ?? {}) } };
    }
    return { id: DEPLOY_TIME, state: { ...inputs, ...otherOutputs(args.type, inputs) } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "azure-native:authorization:getClientConfig":
        return { clientId: DEPLOY_TIME, objectId: DEPLOY_TIME, subscriptionId: SUBSCRIPTION, tenantId: DEPLOY_TIME };
      case "azure-native:machinelearningservices:listOnlineEndpointKeys":
        return { primaryKey: DEPLOY_TIME, secondaryKey: DEPLOY_TIME };
      case "azure-native:storage:listStorageAccountKeys":
        return { keys: [{ keyName: "key1", permissions: "FULL", value: DEPLOY_TIME }] };
      default:
        return {};
    }
  }
}
