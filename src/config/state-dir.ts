import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";

/**
 * Where the toolkit keeps its small local state (failover blocklist, Pulumi file backend, stack
 * passphrase file). In Azure Cloud Shell the home directory is recreated per session, so the state goes
 * under ~/clouddrive, which is backed by an Azure file share and survives.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MLFLOW_LAB_STATE_DIR) return path.resolve(env.MLFLOW_LAB_STATE_DIR);
  const home = env.HOME ?? os.homedir();
  const cloudDrive = path.join(home, "clouddrive");
  if (fs.existsSync(cloudDrive)) return path.join(cloudDrive, ".mlflow-lab");
  return path.join(home, ".mlflow-lab");
}
