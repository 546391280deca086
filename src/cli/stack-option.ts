import { readStackSettings } from "../config/stack-settings";

/**
 * The engine's name for a `--stack` value. plan, regions and deploy take a stack name or a path to a
 * settings file and name the stack after the file (`path/to/Pulumi.dev.yaml` is stack `dev`, through
 * readStackSettings); score and push-model read the deployed stack's outputs and take `--stack` the same
 * way. A plain name is used as given: a deployed stack needs no settings file in stacks/ to be read.
 */
export function stackNameOf(stackOrPath: string): string {
  // The same test as stack-settings' isStackPath: a slash, or a .yaml/.yml ending.
  const isPath = /[\\/]/.test(stackOrPath) || /\.ya?ml$/i.test(stackOrPath);
  return isPath ? readStackSettings(stackOrPath).stack : stackOrPath;
}
