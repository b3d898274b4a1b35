/**
 * Types and request/response shapes shared by the DocuChat frontend and
 * backend plugins.
 *
 * @packageDocumentation
 */
export * from './health';
