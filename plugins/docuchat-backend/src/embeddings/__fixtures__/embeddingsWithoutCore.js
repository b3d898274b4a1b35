// What requiring @energetic-ai/embeddings does when its peer dependency is
// not installed.
throw new Error(
  "Cannot find module '@energetic-ai/core' from 'node_modules/@energetic-ai/embeddings/dist/index.js'",
);
