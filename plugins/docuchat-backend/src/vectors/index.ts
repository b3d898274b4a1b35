export type { ChunkVector, VectorHit, VectorStore } from './types';
export { createVectorStore } from './createVectorStore';
export type { CreateVectorStoreOptions } from './createVectorStore';
export { PgVectorStore } from './PgVectorStore';
export type { PgVectorStoreOptions } from './PgVectorStore';
export { ExactVectorStore } from './ExactVectorStore';
