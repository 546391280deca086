/**
 * The two containers of an ACI endpoint. ACI has no authentication of its own and the MLflow scoring
 * server has none either, so the group runs an authenticating reverse proxy (Caddy) on the public port
 * and the MLflow server listens on 127.0.0.1 only: containers in one group share a network namespace,
 * so the proxy reaches it and nothing outside the group can.
 */
export const PROXY_CONTAINER = "auth-proxy";
export const SCORER_CONTAINER = "mlflow-scorer";
export const PUBLIC_PORT = 80;
export const SCORER_PORT = 8080;
/** The environment variable (a secure value in ACI) holding the endpoint key the proxy checks. */
export const KEY_VARIABLE = "MLFLOW_LAB_ENDPOINT_KEY";

export const PROXY_IMAGE = "caddy:2.8-alpine";
export const SCORER_IMAGE = "python:3.11-slim";
/** azureml-mlflow 1.62 accepts mlflow-skinny ≤ 3.15; the 2.22 line matches the 16.4 LTS ML runtime. */
export const MLFLOW_PIP = "mlflow==2.22.4";
export const AZUREML_MLFLOW_PIP = "azureml-mlflow==1.62.0.post6";

/**
 * Caddy config: requests carrying `Authorization: Bearer <key>` go to the scorer, everything else gets
 * 401. `{$VAR}` is substituted by Caddy from the environment when it loads the file, so the key never
 * lands on disk or in this (plain) config text.
 */
export const CADDYFILE = [
  "{",
  "\tadmin off",
  "\tauto_https off",
  "}",
  "",
  `:${PUBLIC_PORT} {`,
  `\t@authorized header Authorization "Bearer {$${KEY_VARIABLE}}"`,
  "\thandle @authorized {",
  `\t\treverse_proxy 127.0.0.1:${SCORER_PORT}`,
  "\t}",
  "\thandle {",
  '\t\theader WWW-Authenticate "Bearer"',
  '\t\trespond "missing or wrong endpoint key" 401',
  "\t}",
  "}",
  "",
].join("\n");

export const PROXY_COMMAND = [
  "/bin/sh",
  "-c",
  'printf "%s" "$CADDYFILE" > /etc/caddy/Caddyfile && exec caddy run --config /etc/caddy/Caddyfile --adapter caddyfile',
];

/**
 * How the scorer gets the model: the container group has a system-assigned identity with the "AzureML
 * Data Scientist" role on the workspace and "Storage Blob Data Reader" on its storage. At start the
 * container installs MLflow with the azureml-mlflow plugin, points MLflow at the workspace's tracking URI
 * (MLFLOW_TRACKING_URI) and downloads `models:/<name>/<version>`; the plugin authenticates with
 * DefaultAzureCredential, which finds the group's managed identity. Role assignments take a few minutes
 * to apply after the group is created, hence the retry loop. Then it installs the model's own
 * requirements and serves it on 127.0.0.1 with `mlflow models serve`.
 */
export const SCORER_SCRIPT = [
  "set -eu",
  `pip install --no-cache-dir --disable-pip-version-check --quiet "${MLFLOW_PIP}" "${AZUREML_MLFLOW_PIP}"`,
  "until python -c 'import mlflow, os; print(mlflow.artifacts.download_artifacts(artifact_uri=os.environ[\"MODEL_URI\"], dst_path=\"/opt/model\"))' > /tmp/model-path; do",
  '  echo "model download failed (the identity\'s role assignments can take minutes to apply); retrying in 30 s" >&2',
  "  sleep 30",
  "done",
  'MODEL_DIR="$(tail -n 1 /tmp/model-path)"',
  'if [ -f "$MODEL_DIR/requirements.txt" ]; then pip install --no-cache-dir --disable-pip-version-check --quiet -r "$MODEL_DIR/requirements.txt"; fi',
  `exec mlflow models serve -m "$MODEL_DIR" --env-manager local --host 127.0.0.1 --port ${SCORER_PORT}`,
].join("\n");
