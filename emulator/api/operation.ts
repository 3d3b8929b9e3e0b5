import type { Store } from '../state/store.js';

/** One ECS operation: a request body in, a response body out (or an EcsError thrown). */
export type Operation = (store: Store, input: Record<string, unknown>) => object;

/**
 * Types an operation by its SDK request shape. The body is whatever the client sent; each
 * operation checks the fields ECS checks, the way ECS answers when they are wrong.
 */
export function operation<Request>(handler: (store: Store, request: Request) => object): Operation {
  return (store, input) => handler(store, input as Request);
}
