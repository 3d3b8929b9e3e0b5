import { EcsError, invalidParameter } from '../errors.js';
import type { ClientTokenRecord, ClusterRecord } from './model.js';

/** ECS keeps a RunTask client token for 24 hours. */
const CLIENT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

/** Up to 64 ASCII characters from 33 to 126, as ECS documents. */
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

export function checkClientToken(token: string): void {
  if (!CLIENT_TOKEN.test(token)) throw invalidParameter('clientToken must be 1-64 ASCII characters in the range 33-126.');
}

/**
 * What an earlier RunTask with this token answered, when there is one within the last 24 hours
 * in this cluster. The same token with other parameters is refused: ECS answers ConflictException.
 */
export function recallClientToken(cluster: ClusterRecord, token: string, fingerprint: string, now: number): ClientTokenRecord | undefined {
  const record = cluster.clientTokens.get(token);
  if (!record) return undefined;
  if (now - record.at >= CLIENT_TOKEN_TTL_MS) {
    cluster.clientTokens.delete(token);
    return undefined;
  }
  if (record.fingerprint !== fingerprint) {
    throw new EcsError('ConflictException', `The clientToken ${token} is already in use with a different RunTask request.`);
  }
  return record;
}

export function rememberClientToken(cluster: ClusterRecord, token: string, record: ClientTokenRecord): void {
  cluster.clientTokens.set(token, record);
}
