import type { RemovalTerms } from '../../rules/removal.js';

/** The custom resource property that carries the terms, as JSON: CloudFormation turns numbers and booleans into strings. */
export const TERMS_PROPERTY = 'Terms';

/**
 * The terms of a removal from the custom resource's properties.
 *
 * @throws Error naming what is wrong: the resource would otherwise fail in a way nobody could read.
 */
export function removalTermsFrom(properties: Readonly<Record<string, unknown>>): RemovalTerms {
  const text = properties[TERMS_PROPERTY];
  const terms = typeof text === 'string' ? parsed(text) : undefined;
  const named = terms && typeof terms.rule === 'string' && typeof terms.cluster === 'string';
  if (named && terms.kind === 'daemon') return terms as RemovalTerms;
  if (named && terms.kind === 'cron' && typeof terms.family === 'string' && typeof terms.stopRuns === 'boolean') return terms as RemovalTerms;
  throw new Error(`custom resource property ${TERMS_PROPERTY} must be the JSON of a rule's removal terms, found ${JSON.stringify(text)}`);
}

function parsed(text: string): Partial<RemovalTerms> | undefined {
  try {
    return JSON.parse(text) as Partial<RemovalTerms>;
  } catch {
    return undefined;
  }
}
