import { z } from 'zod';
import { ExpressionSyntaxError, parseExpression } from '../placement/expression/index.js';
import { strategyProblems } from '../placement/strategies/chain.js';
import { text } from './fields.js';

/**
 * A cluster query language expression, parsed now so a typo fails the deploy rather than every
 * placement. The parser's message gives the position and what it expected there.
 */
export const expressionSchema = z.string().superRefine((expression, context) => {
  try {
    parseExpression(expression);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    context.addIssue({ code: 'custom', message: error.message, input: expression });
  }
});

/** Constraints as ECS spells them for RunTask and services, evaluated by us because StartTask takes none. */
export const constraintSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('memberOf'), expression: expressionSchema }),
  z.strictObject({ type: z.literal('distinctInstance') }),
]);

/**
 * Strategies as ECS spells them; a list is a chain, applied in order, each breaking the ties of
 * the one before. A new strategy is an entry here (its shape, and so its type) and a ranker in
 * placement/strategies, which the engine's exhaustive switch asks for.
 */
export const strategySchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('random') }),
  z.strictObject({ type: z.literal('binpack'), field: z.enum(['cpu', 'memory']) }),
  z.strictObject({ type: z.literal('spread'), field: text('"instanceId", "host" or "attribute:NAME"') }),
]);

/**
 * The chain as a whole (its length, each spread field) is judged by the placement engine's own
 * check, once every strategy in it has the right shape.
 */
const strategyChainSchema = z.array(strategySchema).superRefine((chain, context) => {
  for (const message of strategyProblems(chain)) context.addIssue({ code: 'custom', message, input: chain });
});

export const placementSchema = z.strictObject({
  constraints: z.array(constraintSchema).optional(),
  strategy: strategyChainSchema.optional(),
});
