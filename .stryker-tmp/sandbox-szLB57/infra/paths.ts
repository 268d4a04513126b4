/**
 * Where things are on disk: the one definition of the repository root. Catalogue entries are relative to it and it
 * holds cdk.json and the lock file. Pure (node:path only), so the local runtime and the bench may import it too.
 */
// @ts-nocheck

import * as path from 'node:path';

/** Absolute path of the repository root. */
export const REPO_ROOT = path.resolve(__dirname, '..');
