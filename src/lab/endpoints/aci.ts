import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerinstance from "@pulumi/azure-native/containerinstance";
import * as random from "@pulumi/random";
import type { EndpointConfig } from "../../config/lab-config";
import { ACI_PROXY_SHAPE, ACI_SCORER_SHAPE } from "../../config/endpoint-sizes";
import { BuiltInRole, roleDefinitionId } from "../roles";
import type { TagMap } from "../tags";
import {
  CADDYFILE,
  KEY_VARIABLE,
  PROXY_COMMAND,
  PROXY_CONTAINER,
  PROXY_IMAGE,
  PUBLIC_PORT,
  SCORER_CONTAINER,
  SCORER_IMAGE,
  SCORER_SCRIPT,
} from "./aci-containers";
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
  tags: pulumi.Input<TagMap>;
}

/**
 * The course's "deploy to ACI", done without the retired v1 web services: a container group running the
 * MLflow scoring server for an Azure ML model version, behind an authenticating proxy with a generated
 * key, reachable at a stable DNS label.
 */
export class AciEndpoint extends pulumi.ComponentResource {
  readonly served: ServedEndpoint;
  readonly group: containerinstance.ContainerGroup;

  constructor(name: string, args: AciEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:endpoints:Aci", name, {}, opts);
    const { endpoint } = args;
    const scorer = ACI_SCORER_SHAPE[endpoint.size];

    const key = new random.RandomPassword(
      `endpoint-${endpoint.name}-key`,
      // Letters and digits only: the key travels in an HTTP header and in Caddy's config syntax.
      { length: 48, special: false },
      { parent: this },
    );

    this.group = new containerinstance.ContainerGroup(
      `endpoint-${endpoint.name}-group`,
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
          // The IP changes when the group is recreated; the DNS label does not.
          dnsNameLabel: args.azureName,
          ports: [{ port: PUBLIC_PORT, protocol: "TCP" }],
        },
        containers: [
          {
            name: PROXY_CONTAINER,
            image: PROXY_IMAGE,
            command: PROXY_COMMAND,
            ports: [{ port: PUBLIC_PORT, protocol: "TCP" }],
            resources: { requests: { cpu: ACI_PROXY_SHAPE.cpu, memoryInGB: ACI_PROXY_SHAPE.memoryInGB } },
            environmentVariables: [
              { name: "CADDYFILE", value: CADDYFILE },
              // secureValue: ACI never returns it in the group's properties.
              { name: KEY_VARIABLE, secureValue: pulumi.secret(key.result) },
            ],
          },
          {
            name: SCORER_CONTAINER,
            image: SCORER_IMAGE,
            command: ["/bin/sh", "-c", SCORER_SCRIPT],
            // No ports: it listens on 127.0.0.1 inside the group, behind the proxy.
            resources: { requests: { cpu: scorer.cpu, memoryInGB: scorer.memoryInGB } },
            environmentVariables: [
              { name: "MLFLOW_TRACKING_URI", value: args.mlflowTrackingUri },
              { name: "MODEL_URI", value: `models:/${endpoint.model.name}/${endpoint.model.version}` },
            ],
          },
        ],
        tags: args.tags,
      },
      {
        parent: this,
        // ACI rejects in-place changes to these ("The updates on container group are invalid"): replace,
        // deleting first because the group name and DNS label are fixed (pulumi.md §5 #19).
        replaceOnChanges: ["osType", "restartPolicy", "sku", "containers[*].resources", "ipAddress.dnsNameLabel", "ipAddress.type"],
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
        `endpoint-${endpoint.name}-${suffix}`,
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
      scoringUri: this.group.ipAddress.apply((ip) => `http://${ip?.fqdn ?? ""}/invocations`),
      key: pulumi.secret(key.result),
    };
    this.registerOutputs({ scoringUri: this.served.scoringUri });
  }
}
