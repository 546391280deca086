import { ArmError, type ArmClient } from "../../azure";

/**
 * The handful of Azure ML workspace calls push-model needs (datastores, their secrets, model
 * containers and versions), as plain ARM REST through the shared pipeline. We don't use
 * @azure/arm-machinelearning 2.1.1: its serializer drops fields it doesn't know and it defaults to a
 * 2022 api-version (https://www.npmjs.com/package/@azure/arm-machinelearning, 2.1.1 of 2022-11-28). The model-version PUT is synchronous (200/201).
 */

export const ML_API_VERSION = "2024-10-01";

export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
}

export function workspacePath(ws: WorkspaceRef): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`;
}

/** Parses `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>`. */
export function parseWorkspaceId(id: string): WorkspaceRef | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i.exec(id.trim());
  return m ? { subscriptionId: m[1]!, resourceGroup: m[2]!, workspace: m[3]! } : undefined;
}

export interface Datastore {
  name: string;
  id: string;
  properties: {
    datastoreType: string;
    accountName?: string;
    containerName?: string;
    endpoint?: string;
    protocol?: string;
    isDefault?: boolean;
    credentials?: { credentialsType?: string };
  };
}

export type DatastoreSecrets = { secretsType: "AccountKey"; key: string } | { secretsType: "Sas"; sasToken: string } | { secretsType: string };

export interface ModelVersionProperties {
  modelType?: string;
  modelUri?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  flavors?: Record<string, { data: Record<string, string> }>;
  isArchived?: boolean;
  jobName?: string;
}

export interface ModelVersionResource {
  id: string;
  name: string;
  properties: ModelVersionProperties;
  systemData?: { createdAt?: string };
}

export interface ModelContainerResource {
  id: string;
  name: string;
  properties: { latestVersion?: string; nextVersion?: string; description?: string };
}

export class AzureMlAssets {
  constructor(
    private readonly arm: ArmClient,
    readonly workspace: WorkspaceRef,
  ) {}

  private path(suffix: string): string {
    return `${workspacePath(this.workspace)}${suffix}`;
  }

  /** GET the workspace itself; its 404 is how a wrong workspace is told apart from a missing model. */
  async getWorkspace(): Promise<{ id: string; name: string; location?: string }> {
    const res = await this.arm.request<{ id: string; name: string; location?: string }>({ method: "GET", path: this.path(""), apiVersion: ML_API_VERSION });
    return res.body;
  }

  /** The default datastore (`?isDefault=true`), falling back to `workspaceblobstore`. */
  async defaultDatastore(): Promise<Datastore> {
    const found = await this.arm.listAll<Datastore>(this.path("/datastores"), ML_API_VERSION, { isDefault: true });
    const byFlag = found.find((d) => d.properties?.isDefault) ?? found[0];
    if (byFlag) return byFlag;
    const res = await this.arm.request<Datastore>({ method: "GET", path: this.path("/datastores/workspaceblobstore"), apiVersion: ML_API_VERSION });
    return res.body;
  }

  async datastoreSecrets(name: string): Promise<DatastoreSecrets> {
    const res = await this.arm.request<DatastoreSecrets>({
      method: "POST",
      path: this.path(`/datastores/${encodeURIComponent(name)}/listSecrets`),
      apiVersion: ML_API_VERSION,
      body: { expirableSecret: false },
    });
    return res.body;
  }

  async getModelContainer(name: string): Promise<ModelContainerResource | undefined> {
    const res = await this.arm.request<ModelContainerResource>({
      method: "GET",
      path: this.path(`/models/${encodeURIComponent(name)}`),
      apiVersion: ML_API_VERSION,
      allowStatus: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersionResource | undefined> {
    const res = await this.arm.request<ModelVersionResource>({
      method: "GET",
      path: this.path(`/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`),
      apiVersion: ML_API_VERSION,
      allowStatus: [404],
    });
    return res.status === 404 ? undefined : res.body;
  }

  async listModelVersions(name: string): Promise<ModelVersionResource[]> {
    try {
      return await this.arm.listAll<ModelVersionResource>(this.path(`/models/${encodeURIComponent(name)}/versions`), ML_API_VERSION);
    } catch (error) {
      if (error instanceof ArmError && error.status === 404) return [];
      throw error;
    }
  }

  async putModelVersion(name: string, version: string, properties: ModelVersionProperties): Promise<{ resource: ModelVersionResource; created: boolean }> {
    const res = await this.arm.request<ModelVersionResource>({
      method: "PUT",
      path: this.path(`/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`),
      apiVersion: ML_API_VERSION,
      body: { properties },
    });
    return { resource: res.body, created: res.status === 201 };
  }
}
