import * as pulumi from "@pulumi/pulumi";

/**
 * The lab's lease: when it was created and when it expires. The `lab-created-at` / `lab-expires-at` tags
 * come from here rather than from `new Date()` in the program, which would move both tags (and update
 * every resource) on each `pulumi up`. create() records the time once; a ttl change only moves expiresAt.
 *
 * The provider below is serialized by Pulumi and runs in a separate process, so it must not capture
 * module state: its methods use only their arguments and built-ins.
 */
export interface LeaseInputs {
  /** Canonical duration text, shown in state for people (`8h`). */
  ttl: string;
  ttlSeconds: number;
}

export interface LeaseState extends LeaseInputs {
  /** ISO-8601 UTC, second precision, e.g. 2026-11-23T14:00:00Z. */
  createdAt: string;
  expiresAt: string;
}

export const leaseProvider = {
  async create(inputs: LeaseInputs): Promise<{ id: string; outs: LeaseState }> {
    const toIso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const createdMs = Math.floor(Date.now() / 1000) * 1000;
    const createdAt = toIso(createdMs);
    const expiresAt = toIso(createdMs + inputs.ttlSeconds * 1000);
    return {
      id: `lease-${createdMs.toString(36)}`,
      outs: { ttl: inputs.ttl, ttlSeconds: inputs.ttlSeconds, createdAt, expiresAt },
    };
  },

  async diff(
    _id: string,
    olds: LeaseState,
    news: LeaseInputs,
  ): Promise<{ changes: boolean; replaces: string[]; stables: string[]; deleteBeforeReplace: boolean }> {
    // Never replace: a new createdAt would make an old lab look young to the janitor.
    const changed = olds.ttlSeconds !== news.ttlSeconds || olds.ttl !== news.ttl;
    return { changes: changed, replaces: [], stables: ["createdAt"], deleteBeforeReplace: false };
  },

  async update(_id: string, olds: LeaseState, news: LeaseInputs): Promise<{ outs: LeaseState }> {
    const created = Date.parse(olds.createdAt);
    const expiresAt = new Date(created + news.ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    return { outs: { ttl: news.ttl, ttlSeconds: news.ttlSeconds, createdAt: olds.createdAt, expiresAt } };
  },
};

export interface LabLeaseArgs {
  ttl: pulumi.Input<string>;
  ttlSeconds: pulumi.Input<number>;
}

export class LabLease extends pulumi.dynamic.Resource {
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly expiresAt: pulumi.Output<string>;
  declare readonly ttl: pulumi.Output<string>;

  constructor(name: string, args: LabLeaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      leaseProvider as unknown as pulumi.dynamic.ResourceProvider,
      name,
      { ttl: args.ttl, ttlSeconds: args.ttlSeconds, createdAt: undefined, expiresAt: undefined },
      opts,
      "lab",
      "LabLease",
    );
  }
}
