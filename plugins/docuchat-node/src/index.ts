/**
 * Node.js library for DocuChat: service refs and extension points that other
 * backend modules plug into (embedding providers, chat models, payment
 * gateways). They arrive with the features that use them.
 *
 * @packageDocumentation
 */
export {};
