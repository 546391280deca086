/**
 * The two containers of an ACI endpoint. ACI has no authentication or TLS of its own and the MLflow
 * scoring server has neither, so the group runs Caddy on the public ports (HTTPS with a Let's Encrypt
 * certificate for the group's FQDN, and the key check) and the MLflow server listens on 127.0.0.1 only:
 * containers in one group share a network namespace, so the proxy reaches it and nothing outside the
 * group can. What runs in them are real files next to this one (./aci/, see ./aci-files.ts).
 */
export const PROXY_CONTAINER = "auth-proxy";
export const SCORER_CONTAINER = "mlflow-scorer";
/** Port 80 carries only the ACME HTTP challenge and Caddy's redirect to HTTPS. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
export const SCORER_PORT = 8080;
/** The environment variable (a secure value in ACI) holding the endpoint key the proxy checks. */
export const KEY_VARIABLE = "MLFLOW_LAB_ENDPOINT_KEY";

/**
 * Caddy 2.11.4, the current official image (docker-library/official-images library/caddy, read
 * 2026-12-03). The tests run the same Caddyfile with Debian's Caddy 2.6.
 */
export const PROXY_IMAGE = "caddy:2.11.4-alpine";
/**
 * Python 3.12 as Databricks Runtime 16.4 LTS ML, whose models the lab registers; bookworm pins Debian 12,
 * whose openjdk-17-jre-headless runs Spark 3.5 and 4.x (Debian 13 has no Java 17 package).
 */
export const SCORER_IMAGE = "python:3.12-slim-bookworm";

/** Where the scorer files (a secret volume) are mounted in both containers. */
export const SCORER_FILES_MOUNT = "/mnt/scorer";
/** Caddy's data folder in the caddy image (XDG_DATA_HOME): certificates and the ACME account. */
export const CADDY_DATA_MOUNT = "/data";
