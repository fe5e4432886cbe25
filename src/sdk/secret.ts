import { z } from 'zod';

/**
 * A config string that is a credential. The mark travels with the schema: the
 * config loader collects every value under such a field and the logger scrubs them,
 * and the JSON Schema shows `writeOnly` so editors hint not to paste it inline.
 */
export function secret(description = 'a credential; use ${ENV_VAR} or ${file:/path}') {
  return z.string().min(1).meta({ secret: true, writeOnly: true, description });
}

export function isSecretSchema(schema: z.ZodType): boolean {
  const meta = schema.meta() as { secret?: boolean } | undefined;
  return meta?.secret === true;
}
