import initSqlJs, { type SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;

/**
 * The sql.js engine, initialized once per process (a warm Lambda reuses it). sql.js finds
 * sql-wasm.wasm beside its own JavaScript; the Lambda bundle ships the file next to the handler.
 */
export function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs().catch((error: unknown) => {
    engine = undefined; // let the next invocation try again rather than caching the failure
    throw error;
  });
  return engine;
}
