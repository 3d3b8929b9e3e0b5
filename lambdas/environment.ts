import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';

/** A required environment variable, or an error that names it: a deploy that forgot one fails at init, loudly. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Environment variable ${name} is not set; the stack sets it for every scheduler function`);
  return value;
}

const ruleShape = z.looseObject({ name: z.string(), cluster: z.string(), taskDefinition: z.string() });

/**
 * The rule the stack wrote into an environment variable as JSON. The app validated it in full
 * with the config schema at synth (loadConfig); here only its shape is checked, because the
 * config schema's zod would add about 450 KB to every bundle.
 */
export function ruleFromEnv<Rule extends { name: string; cluster: string; taskDefinition: string }>(name: string): Rule {
  const json = jsonFromEnv(name);
  if (!ruleShape.safeParse(json).success) throw new Error(`Environment variable ${name} does not hold a rule (name, cluster and taskDefinition are required)`);
  return json as Rule;
}

/**
 * The rules of a cron runner: a JSON list in the file an environment variable names (the stack
 * ships it in a layer of the function, because the environment holds only 4 KB and a cluster may
 * have many rules), each checked as ruleFromEnv checks one.
 */
export function rulesFromFile<Rule extends { name: string; cluster: string; taskDefinition: string }>(variable: string): Rule[] {
  const file = requiredEnv(variable);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (the runner\'s rules layer is missing)' : `cannot be read as JSON: ${(error as Error).message}`;
    throw new Error(`Rules file ${file} (environment variable ${variable}) ${why}`, { cause: error });
  }
  if (!z.array(ruleShape).safeParse(json).success || (json as unknown[]).length === 0) {
    throw new Error(`Rules file ${file} (environment variable ${variable}) does not hold a list of rules (at least one; name, cluster and taskDefinition are required)`);
  }
  return json as Rule[];
}

function jsonFromEnv(name: string): unknown {
  const raw = requiredEnv(name);
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error(`Environment variable ${name} is not JSON`);
  }
}
