import * as pulumi from "@pulumi/pulumi";
import { PROJECT_NAME, parseLabConfig } from "./config/lab-config";
import { buildLab, fetchVerifiedDataset } from "./lab";

/**
 * Pulumi entry point (Pulumi.yaml `main`): read this project's stack config, validate it before anything
 * is registered, build the lab and export its outputs. Keys are read from the whole config bag so that an
 * unknown (misspelt) key fails here instead of being ignored.
 */
export = async () => {
  const prefix = `${PROJECT_NAME}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  const config = parseLabConfig(raw);
  const outputs = await buildLab(config, {
    // Downloaded during preview and up alike and checked against datasetSha256 each time.
    fetchDataset: (url, sha256) => fetchVerifiedDataset(url, sha256).then((bytes) => bytes.toString("base64")),
  });
  return outputs;
};
