/**
 * Node.js library for DocuChat: extension points that other backend modules
 * plug into (embedding providers now; chat models and payment gateways with
 * their features).
 *
 * @packageDocumentation
 */
export * from './embeddings';
