import { describeSdkError } from "../../azure/sdk-errors";
import { OperationFailedError } from "../../errors";

/** Reading signals failed on credentials or permissions: one line that says how to fix the sign-in. */
export function authFailure(error: unknown, what: string): OperationFailedError {
  return new OperationFailedError(`cannot read ${what}: ${describeSdkError(error)}; sign in again (az login) or check MLFLOW_LAB_ACCESS_TOKEN`);
}
