/**
 * DocuChat's permission policy: a ready module for portals without a policy
 * (the default export), and the decision function a portal's own policy
 * delegates `docuchat.*` permissions to.
 *
 * @packageDocumentation
 */
export { permissionModuleDocuchatPolicy as default } from './module';
export { DocuchatPermissionPolicy } from './DocuchatPermissionPolicy';
export {
  decideDocuchatPermission,
  readDocuchatPolicyOptions,
  DOCUCHAT_RUNBOOK_ACTION_IDS,
  type DocuchatPolicyOptions,
} from './decideDocuchatPermission';
