import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as storage from "@pulumi/azure-native/storage";
import * as random from "@pulumi/random";
import type { EndpointConfig } from "../../config/lab-config";
import { ACI_PROXY_SHAPE, ACI_SCORER_SHAPE } from "../../config/endpoint-sizes";
import { BuiltInRole, roleDefinitionId } from "../roles";
import type { TagMap } from "../tags";
import {
  CADDY_DATA_MOUNT,
  HTTP_PORT,
  HTTPS_PORT,
  KEY_VARIABLE,
  PROXY_CONTAINER,
  PROXY_IMAGE,
  SCORER_CONTAINER,
  SCORER_FILES_MOUNT,
  SCORER_IMAGE,
  SCORER_PORT,
} from "./aci-containers";
import { scorerSecretVolume } from "./aci-files";
import type { ServedEndpoint } from "./online";

export interface AciEndpointArgs {
  endpoint: EndpointConfig;
  azureName: string;
  resourceGroupName: pulumi.Input<string>;
  location: string;
  subscriptionId: pulumi.Input<string>;
  mlflowTrackingUri: pulumi.Input<string>;
  workspaceId: pulumi.Input<string>;
  storageAccountId: pulumi.Input<string>;
  /** The Azure ML workspace's storage account: Caddy's certificates live on a file share in it. */
  storageAccountName: pulumi.Input<string>;
  tags: pulumi.Input<TagMap>;
}

/** The group's public name: `<dnsNameLabel>.<region>.azurecontainer.io` (the certificate's subject). */
export function aciFqdn(label: string, location: string): string {
  return `${label}.${location}.azurecontainer.io`;
}

/**
 * The course's "deploy to ACI", done without the retired v1 web services: a container group running the
 * MLflow scoring server for an Azure ML model version behind Caddy, which serves HTTPS with a Let's
 * Encrypt certificate for the group's FQDN and checks a generated key (the Caddy-sidecar pattern of
 * learn.microsoft.com/azure/container-instances/container-instances-container-group-automatic-ssl,
 * ms.date 2025-11-17).
 */
export class AciEndpoint extends pulumi.ComponentResource {
  readonly served: ServedEndpoint;
  readonly group: containerinstance.ContainerGroup;

  constructor(name: string, args: AciEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:endpoints:Aci", name, {}, opts);
    const { endpoint } = args;
    const scorer = ACI_SCORER_SHAPE[endpoint.size];

    const key = new random.RandomPassword(
      `${name}-key`,
      // Letters and digits only: the key travels in an HTTP header and in Caddy's config syntax.
      { length: 48, special: false },
      { parent: this },
    );

    // Caddy's data folder outlives the group (restarts, replacements, redeploys): the certificate is
    // reused instead of asking Let's Encrypt again, which allows 5 duplicate certificates per name a week.
    const caddyData = new storage.FileShare(
      `${name}-caddy-data`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: args.storageAccountName,
        shareName: `caddy-${endpoint.name}`,
        shareQuota: 1,
      },
      { parent: this },
    );
    const storageKey = storage
      .listStorageAccountKeysOutput({ resourceGroupName: args.resourceGroupName, accountName: args.storageAccountName }, { parent: this })
      .apply((result) => result.keys?.[0]?.value ?? "");

    const files = { name: "scorer-files", mountPath: SCORER_FILES_MOUNT, readOnly: true };
    this.group = new containerinstance.ContainerGroup(
      `${name}-group`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        containerGroupName: args.azureName,
        osType: "Linux",
        sku: "Standard",
        restartPolicy: "Always",
        identity: { type: "SystemAssigned" },
        ipAddress: {
          type: "Public",
          // The IP changes when the group is recreated; the DNS label, and so the FQDN, does not.
          dnsNameLabel: args.azureName,
          ports: [
            { port: HTTP_PORT, protocol: "TCP" },
            { port: HTTPS_PORT, protocol: "TCP" },
          ],
        },
        volumes: [
          { name: files.name, secret: scorerSecretVolume() },
          {
            name: "caddy-data",
            azureFile: {
              shareName: caddyData.name,
              storageAccountName: args.storageAccountName,
              storageAccountKey: pulumi.secret(storageKey),
            },
          },
        ],
        containers: [
          {
            name: PROXY_CONTAINER,
            image: PROXY_IMAGE,
            command: ["caddy", "run", "--config", `${SCORER_FILES_MOUNT}/Caddyfile`, "--adapter", "caddyfile"],
            ports: [
              { port: HTTP_PORT, protocol: "TCP" },
              { port: HTTPS_PORT, protocol: "TCP" },
            ],
            resources: { requests: { cpu: ACI_PROXY_SHAPE.cpu, memoryInGB: ACI_PROXY_SHAPE.memoryInGB } },
            environmentVariables: [
              { name: "MLFLOW_LAB_SITE", value: aciFqdn(args.azureName, args.location) },
              { name: "MLFLOW_LAB_TLS_ISSUER", value: "acme" },
              { name: "MLFLOW_LAB_HTTP_PORT", value: String(HTTP_PORT) },
              { name: "MLFLOW_LAB_HTTPS_PORT", value: String(HTTPS_PORT) },
              { name: "MLFLOW_LAB_SCORER_ADDRESS", value: `127.0.0.1:${SCORER_PORT}` },
              { name: "XDG_DATA_HOME", value: CADDY_DATA_MOUNT },
              // secureValue: ACI never returns it in the group's properties.
              { name: KEY_VARIABLE, secureValue: pulumi.secret(key.result) },
            ],
            volumeMounts: [files, { name: "caddy-data", mountPath: CADDY_DATA_MOUNT }],
          },
          {
            name: SCORER_CONTAINER,
            image: SCORER_IMAGE,
            command: ["/bin/sh", `${SCORER_FILES_MOUNT}/start-scorer.sh`],
            // No ports: it listens on 127.0.0.1 inside the group, behind the proxy.
            resources: { requests: { cpu: scorer.cpu, memoryInGB: scorer.memoryInGB } },
            environmentVariables: [
              { name: "MLFLOW_TRACKING_URI", value: args.mlflowTrackingUri },
              { name: "MODEL_URI", value: `models:/${endpoint.model.name}/${endpoint.model.version}` },
              { name: "SCORER_FILES", value: SCORER_FILES_MOUNT },
              { name: "SCORER_PORT", value: String(SCORER_PORT) },
            ],
            volumeMounts: [files],
          },
        ],
        tags: args.tags,
      },
      {
        parent: this,
        // ACI rejects in-place changes to these ("The updates on container group are invalid"): replace,
        // deleting first because the group name and DNS label are fixed
        // (https://learn.microsoft.com/azure/container-instances/container-instances-update; pulumi/pulumi-azure-native#918).
        replaceOnChanges: ["osType", "restartPolicy", "sku", "containers[*].resources", "ipAddress.dnsNameLabel", "ipAddress.type", "volumes"],
        deleteBeforeReplace: true,
      },
    );

    const principalId = this.group.identity.apply((identity) => identity?.principalId ?? "");
    const grants: Array<[string, string, pulumi.Input<string>]> = [
      ["model-reader", BuiltInRole.azureMlDataScientist, args.workspaceId],
      ["blob-reader", BuiltInRole.storageBlobDataReader, args.storageAccountId],
    ];
    for (const [suffix, role, scope] of grants) {
      new authorization.RoleAssignment(
        `${name}-${suffix}`,
        {
          principalId,
          // A just-created identity may not have replicated yet; naming the type skips the lookup.
          principalType: "ServicePrincipal",
          roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, role)),
          scope,
        },
        { parent: this, deleteBeforeReplace: true },
      );
    }

    this.served = {
      kind: "aci",
      // HTTPS only: port 80 answers the ACME challenge and redirects, so a key never goes out in clear.
      scoringUri: this.group.ipAddress.apply((ip) => `https://${ip?.fqdn ?? ""}/invocations`),
      key: pulumi.secret(key.result),
    };
    this.registerOutputs({ scoringUri: this.served.scoringUri });
  }
}
