/**
 * Types, permissions and request/response shapes shared by the DocuChat
 * frontend and backend plugins.
 *
 * @packageDocumentation
 */
export * from './health';
export * from './permissions';
export * from './tenants';
export * from './documents';
export * from './sources';
export * from './search';
export * from './ask';
export * from './conversations';
export * from './usage';
export * from './events';
export * from './billing';
export * from './timeZones';
