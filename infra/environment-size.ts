import { Token } from 'aws-cdk-lib';

/** Lambda's limit on all of a function's environment variables together, names and values. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * A value known only at deploy (a table's or a bus's name) counted at the longest such a name
 * can be: DynamoDB and EventBridge allow 255 and 256 characters.
 */
const UNRESOLVED_BYTES = 256;

/**
 * Throws, naming the function, when its environment may exceed Lambda's 4 KB: the deploy would
 * fail on it, after the stack had begun to change.
 */
export function checkEnvironmentSize(functionPath: string, environment: Record<string, string>): void {
  const bytes = Object.entries(environment).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + (Token.isUnresolved(value) ? UNRESOLVED_BYTES : Buffer.byteLength(value)),
    0,
  );
  if (bytes > ENVIRONMENT_LIMIT_BYTES) {
    throw new Error(`Function ${functionPath}: its environment variables take ${bytes} bytes (counting a deploy-time name at ${UNRESOLVED_BYTES}); Lambda allows ${ENVIRONMENT_LIMIT_BYTES} in all`);
  }
}
