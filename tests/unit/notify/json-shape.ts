/**
 * A checker for the small subset of JSON Schema used by the PagerDuty fixture:
 * type, properties, required, enum, items. It also reports properties the schema does
 * not define, so a misspelt field fails the test rather than being ignored by the vendor.
 */
export type Shape = {
  type?: string;
  properties?: Record<string, Shape>;
  required?: string[];
  enum?: unknown[];
  items?: Shape;
};

export function shapeProblems(shape: Shape, value: unknown, at = '$'): string[] {
  const problems: string[] = [];
  if (shape.enum && !shape.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(shape.enum)}`);
  if (shape.type === 'string' && typeof value !== 'string') problems.push(`${at}: expected a string`);
  if (shape.type === 'array') {
    if (!Array.isArray(value)) return [...problems, `${at}: expected an array`];
    if (shape.items) for (const [i, item] of value.entries()) problems.push(...shapeProblems(shape.items, item, `${at}[${i}]`));
  }
  if (shape.type === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return [...problems, `${at}: expected an object`];
    const record = value as Record<string, unknown>;
    for (const key of shape.required ?? []) if (!(key in record)) problems.push(`${at}.${key}: required`);
    if (shape.properties) {
      for (const [key, item] of Object.entries(record)) {
        const child = shape.properties[key];
        if (!child) problems.push(`${at}.${key}: not defined by the schema`);
        else problems.push(...shapeProblems(child, item, `${at}.${key}`));
      }
    }
  }
  return problems;
}
