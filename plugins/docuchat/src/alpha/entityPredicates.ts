/**
 * Object filter predicates of DocuChat's entity cards and tabs (the string
 * filter syntax is deprecated).
 */
export const isTenantEntity = {
  kind: 'resource',
  'spec.type': 'docuchat-tenant',
};

export const isEnvironmentEntity = {
  kind: 'resource',
  'spec.type': 'docuchat-environment',
};
