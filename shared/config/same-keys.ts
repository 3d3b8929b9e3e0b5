/**
 * Compile-time guards that a schema and the type it validates name the same fields: the rule types
 * live with the rules, and a field added there must not go unvalidated (or be refused) here.
 */
export type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;

/** Fails to compile unless `T` is `true`. */
export type Assert<T extends true> = T;
