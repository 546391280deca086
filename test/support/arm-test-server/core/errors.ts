/** ARM error bodies: `{ error: { code, message, target, details, additionalInfo } }` (common-types ErrorResponse). */

export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string | null;
  details?: ArmErrorBody[];
  additionalInfo?: Array<{ type: string; info: unknown }>;
}

/** Thrown by handlers; the core turns it into the HTTP response. */
export class ArmHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: ArmErrorBody[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  body(): { error: ArmErrorBody } {
    const error: ArmErrorBody = { code: this.code, message: this.message };
    if (this.extra.target !== undefined) error.target = this.extra.target;
    if (this.extra.details) error.details = this.extra.details;
    return { error };
  }
}

// The messages below follow ARM's wording (https://learn.microsoft.com/azure/azure-resource-manager/troubleshooting/common-deployment-errors and the issue threads cited in README.md).

export const armErrors = {
  missingApiVersion: () =>
    new ArmHttpError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."),
  invalidApiVersion: (v: string, supported: readonly string[]) =>
    new ArmHttpError(400, "InvalidApiVersionParameter", `The api-version '${v}' is invalid. The supported versions are '${supported.join(",")}'.`),
  noRegisteredProvider: (v: string, type: string, supported: readonly string[], location?: string) =>
    new ArmHttpError(
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location '${location ?? "global"}' and API version '${v}' for type '${type}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are ''.`,
    ),
  authMissing: () => new ArmHttpError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing."),
  authInvalid: () => new ArmHttpError(401, "InvalidAuthenticationToken", "The access token is invalid."),
  subscriptionNotFound: (sub: string) => new ArmHttpError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`),
  subscriptionDisabled: (sub: string) =>
    new ArmHttpError(
      409,
      "ReadOnlyDisabledSubscription",
      `The subscription '${sub}' is disabled and therefore marked as read only. You cannot perform any write actions on this subscription until it is re-enabled.`,
    ),
  resourceGroupNotFound: (rg: string) => new ArmHttpError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`),
  resourceGroupBeingDeleted: (rg: string) =>
    new ArmHttpError(409, "ResourceGroupBeingDeleted", `The resource group '${rg}' is in deprovisioning state and cannot perform this operation.`),
  resourceNotFound: (type: string, name: string, rg: string) =>
    new ArmHttpError(404, "ResourceNotFound", `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`),
  scopeLocked: (scope: string, lockIds: string[], operation: "delete" | "write") =>
    new ArmHttpError(
      409,
      "ScopeLocked",
      `The scope '${scope}' cannot perform ${operation} operation because following scope(s) are locked: '${lockIds.join("','")}'. Please remove the lock and try again.`,
    ),
  missingRegistration: (ns: string) =>
    new ArmHttpError(
      409,
      "MissingSubscriptionRegistration",
      `The subscription is not registered to use namespace '${ns}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
      { details: [{ code: "MissingSubscriptionRegistration", target: ns, message: `The subscription is not registered to use namespace '${ns}'. See https://aka.ms/rps-not-found for how to register subscriptions.` }] },
    ),
  invalidNamespace: (ns: string) => new ArmHttpError(404, "InvalidResourceNamespace", `The resource namespace '${ns}' is invalid.`),
  locationNotAvailable: (location: string, type: string, available: string[]) =>
    new ArmHttpError(
      400,
      "LocationNotAvailableForResourceType",
      `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${available.join(",")}'.`,
    ),
  badRequest: (message: string, code = "BadRequest") => new ArmHttpError(400, code, message),
  invalidRequestContent: (message: string) => new ArmHttpError(400, "InvalidRequestContent", message),
  notImplemented: (method: string, path: string) =>
    new ArmHttpError(
      501,
      "NotImplementedByArmTestServer",
      `The ARM test server has no route for ${method} ${path}. Add one in test/support/arm-test-server/routes (see its README).`,
    ),
};
