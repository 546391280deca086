import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, parseLabConfig } from "./config/lab-config";
import { buildLab, fetchVerifiedDataset } from "./lab";
import { buildJanitor, isJanitorConfig, readJanitorConfig } from "./lab/janitor";

/**
 * Pulumi entry point (Pulumi.yaml `main`). A stack is either a lab (keys `azure-mlflow-lab:*`) or the
 * janitor that runs scheduled cleanup (keys `mlflow-lab-janitor:*`, stacks/Pulumi.janitor.yaml); the
 * janitor keys live in their own namespace so they never reach the lab's config validation.
 * For a lab: read this project's stack config, validate it before anything is registered, build the lab
 * and export its outputs. Keys are read from the whole config bag so that an unknown (misspelt) key
 * fails here instead of being ignored.
 */
export = async () => {
  const config = pulumi.runtime.allConfig();
  if (isJanitorConfig(Object.keys(config))) {
    return buildJanitor(readJanitorConfig());
  }
  const prefix = `${PROJECT_NAME}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  const labConfig = parseLabConfig(raw);
  return buildLab(labConfig, {
    // Downloaded during preview and up alike and checked against datasetSha256 each time.
    fetchDataset: (url, sha256) => fetchVerifiedDataset(url, sha256).then((bytes) => bytes.toString("base64")),
  });
};
