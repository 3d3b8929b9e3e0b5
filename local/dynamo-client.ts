import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * A DynamoDB client for a local server: fixed credentials and region, no retries hidden behind
 * long backoffs. Apart from the server (local/ledger.ts), so a process that only talks to one
 * (a crash-suite worker) does not load it.
 */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}
