import { resolve } from 'path';

/**
 * The repository's root folder (this package is packages/monitoring). The
 * package only ever runs from the repository (generator and checks), never
 * from a production build, where `__dirname` would differ.
 */
// eslint-disable-next-line no-restricted-syntax
export const REPOSITORY_ROOT = resolve(__dirname, '..', '..', '..');
