import { InputError } from '@backstage/errors';

/**
 * A source's filter (`kind=component,spec.owner=group:default/platform`) as
 * the catalog API's filter object: every key must match; a key given twice
 * matches either value.
 */
export function parseCatalogFilter(
  text: string,
): Record<string, string | string[]> {
  const filter: Record<string, string | string[]> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (at <= 0 || !key || !value) {
      throw new InputError(
        `Invalid catalog filter "${text}": expected key=value pairs joined by commas`,
      );
    }
    const previous = filter[key];
    if (previous === undefined) filter[key] = value;
    else filter[key] = [previous, value].flat();
  }
  return filter;
}
