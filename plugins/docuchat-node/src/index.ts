/**
 * Node.js library for DocuChat: extension points that other backend modules
 * plug into (embedding providers and chat models now; payment gateways with
 * their feature).
 *
 * @packageDocumentation
 */
export * from './chat';
export * from './embeddings';
export * from './payments';
