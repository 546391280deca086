import * as pulumi from "@pulumi/pulumi";
import { MANAGED_SHAPE } from "../../config/endpoint-sizes";
import { createOnlineEndpoint, type OnlineEndpointKindArgs, type ServedEndpoint } from "./online";

export type ManagedEndpointArgs = OnlineEndpointKindArgs;

/** An Azure ML managed online endpoint: Azure runs the VMs, the size picks the instance type and count. */
export class ManagedEndpoint extends pulumi.ComponentResource {
  readonly served: ServedEndpoint;

  constructor(name: string, args: ManagedEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("azure-mlflow-lab:endpoints:Managed", name, {}, opts);
    const shape = MANAGED_SHAPE[args.endpoint.size];
    this.served = createOnlineEndpoint(
      name,
      {
        ...args,
        target: { computeType: "Managed", instanceType: shape.instanceType, instanceCount: shape.instanceCount },
      },
      this,
    );
    this.registerOutputs({ scoringUri: this.served.scoringUri });
  }
}
