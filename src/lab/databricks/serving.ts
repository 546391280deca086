import * as pulumi from "@pulumi/pulumi";
import * as dbx from "@pulumi/databricks";
import type { DatabricksServingConfig } from "../../config/lab-config";
import { asTagList, type TagMap } from "../tags";

/**
 * The lab's Databricks Model Serving endpoint (`predict-penguin`). The model version must exist in the
 * registry first (the notebook registers it), which is why config enables this separately. `modelName`
 * is the registered name: `catalog.schema.model` in Unity Catalog, or a workspace-registry name.
 * Only `servedEntities` is set: setting the deprecated `servedModels` too makes every preview show a
 * diff on the other (databricks/cli#3880).
 */
export function createServingEndpoint(
  serving: DatabricksServingConfig,
  namePrefix: string,
  modelName: string,
  tags: pulumi.Input<TagMap>,
  provider: dbx.Provider,
  parent: pulumi.Resource,
): dbx.ModelServing {
  // The served entity is named after the model (its last name part) and version, e.g. penguin_predictor-1.
  const modelPart = modelName.split(".").pop() ?? modelName;
  const entityName = `${modelPart}-${serving.model.version}`.toLowerCase().replace(/[^a-z0-9_-]+/g, "-");
  return new dbx.ModelServing(
    `${namePrefix}databricks-serving`,
    {
      name: serving.name,
      config: {
        servedEntities: [
          {
            name: entityName,
            entityName: modelName,
            entityVersion: serving.model.version,
            workloadSize: serving.size,
            scaleToZeroEnabled: serving.scaleToZero,
          },
        ],
      },
      tags: asTagList(tags),
    },
    {
      parent,
      provider,
      // Building the serving image takes long; the Databricks SDK's own waits time out at 20-30 min.
      customTimeouts: { create: "45m", update: "45m" },
    },
  );
}

/** Databricks serving endpoints are called at the workspace host with a Databricks token. */
export function servingInvocationsUrl(workspaceUrl: pulumi.Input<string>, name: string): pulumi.Output<string> {
  return pulumi.interpolate`https://${workspaceUrl}/serving-endpoints/${name}/invocations`;
}
