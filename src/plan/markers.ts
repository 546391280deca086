/**
 * The two placeholders the offline plan shows instead of real values. A plan runs without Azure, so
 * anything Azure or the deploy decides (ids of the subscription, workspace URLs, principal ids, the lease
 * times, the downloaded dataset, the suffix derived from the subscription) is `[deploy-time]`, and
 * anything secret is `[secret]`, whatever its value.
 */
export const DEPLOY_TIME = "[deploy-time]";
export const SECRET = "[secret]";
