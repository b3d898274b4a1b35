import { createBackend } from '@backstage/backend-defaults';

// Standalone backend for working on the plugin alone: `yarn start` here.
const backend = createBackend();
backend.add(import('../src'));
backend.start();
