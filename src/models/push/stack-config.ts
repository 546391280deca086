import * as YAML from "yaml";
import { PROJECT_NAME } from "../../config/lab-config";

/**
 * `push-model --deploy <endpoint>`: points an endpoint of the stack config at the pushed version, so the
 * next `pulumi up` serves it. Edits stacks/Pulumi.<stack>.yaml in place (comments and layout kept); which
 * stacks/ folder is src/config/stack-settings.ts's to say, the same one plan and deploy read.
 */

export const ENDPOINTS_KEY = `${PROJECT_NAME}:endpoints`;

export class StackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackConfigError";
  }
}

/** Pure: the stack file text with `endpoints[i].model` set; throws when the endpoint is not there. */
export function setEndpointModel(text: string, endpoint: string, modelRef: string, file = "stack config"): { text: string; index: number; previous?: string } {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new StackConfigError(`${file} is not valid YAML: ${doc.errors[0]!.message.split("\n")[0]}`);
  const endpoints = doc.getIn(["config", ENDPOINTS_KEY]);
  if (!YAML.isSeq(endpoints)) throw new StackConfigError(`${file} has no ${ENDPOINTS_KEY} list; add the endpoint first (name, kind, model, size)`);
  const names: string[] = [];
  for (const [index, item] of endpoints.items.entries()) {
    if (!YAML.isMap(item)) continue;
    const name = String(item.get("name"));
    names.push(name);
    if (name === endpoint) {
      const previous = item.get("model");
      item.set("model", modelRef);
      return { text: doc.toString(), index, ...(previous !== undefined ? { previous: String(previous) } : {}) };
    }
  }
  throw new StackConfigError(`${file} has no endpoint "${endpoint}" (endpoints: ${names.join(", ") || "none"})`);
}

export function configSetCommand(endpointIndex: number | "N", modelRef: string, stack = "<stack>"): string {
  return `pulumi config set --path '${ENDPOINTS_KEY}[${endpointIndex}].model' '${modelRef}' --stack ${stack}`;
}
