import type { z } from 'zod';

/** A required environment variable, or an error that names it: a deploy that forgot one fails at init, loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Environment variable ${name} is not set; the stack sets it for every scheduler function`);
  return value;
}

/**
 * A rule handed to the function as JSON in an environment variable, checked with the same schema
 * as the config file. The app validated it at synth; this guards against hand-edited functions.
 */
export function ruleFromEnv<T>(name: string, schema: z.ZodType<T>): T {
  const raw = requiredEnv(name);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`Environment variable ${name} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`Environment variable ${name} is not a valid rule: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
