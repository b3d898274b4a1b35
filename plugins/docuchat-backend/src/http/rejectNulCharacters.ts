import { InputError } from '@backstage/errors';
import express from 'express';

const NUL = '\u0000';

/**
 * Refuses a request whose path, query or JSON body holds the NUL character
 * (U+0000) with a 400 that says where: PostgreSQL cannot store it in text
 * and fails the query with an error of its own (a 500), where SQLite takes
 * it. Uploaded files are not JSON and go to the parsers as bytes.
 */
export const rejectNulCharacters: express.RequestHandler = (
  req,
  _res,
  next,
) => {
  const where = /%00/.test(req.path)
    ? 'path'
    : nulIn(req.query, 'query') ?? nulIn(req.body, 'body');
  if (where) {
    next(
      new InputError(
        `The ${where} contains the NUL character (U+0000), which DocuChat does not accept in text`,
      ),
    );
    return;
  }
  next();
};

/**
 * Where in `value` a string or key holds NUL; walked without recursion,
 * since the sender chose the depth.
 */
function nulIn(value: unknown, root: string): string | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop()!;
    if (typeof item === 'string') {
      if (item.includes(NUL)) return path;
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes(NUL)) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}
