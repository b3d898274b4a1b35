// Validates Kubernetes manifests against the schemas of kubernetes-models and
// @kubernetes-models/prometheus-operator. Those packages are ES modules only,
// which Jest's CommonJS runtime cannot resolve, so the tests run this file in
// a child Node process: manifests as a JSON array on stdin, a JSON array of
// { index, kind, name, error } on stdout (empty when every manifest is valid).
const modules = {
  'monitoring.coreos.com/v1':
    '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

function moduleFor(apiVersion) {
  if (modules[apiVersion]) return modules[apiVersion];
  // "v1" is the core group; "apps/v1" and "networking.k8s.io/v1" are groups.
  return `kubernetes-models/${apiVersion}`;
}

async function validate(manifest) {
  const { apiVersion, kind } = manifest ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return 'apiVersion and kind are required';
  }
  let module;
  try {
    module = await import(moduleFor(apiVersion));
  } catch {
    return `no schema for apiVersion ${apiVersion}`;
  }
  const Model = module[kind];
  if (typeof Model !== 'function') {
    return `no schema for ${kind} in ${apiVersion}`;
  }
  try {
    new Model(manifest).validate();
    return undefined;
  } catch (error) {
    return String(error?.message ?? error);
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const manifests = JSON.parse(input);
const errors = [];
for (const [index, manifest] of manifests.entries()) {
  const error = await validate(manifest);
  if (error) {
    errors.push({
      index,
      kind: manifest?.kind,
      name: manifest?.metadata?.name,
      error,
    });
  }
}
process.stdout.write(JSON.stringify(errors));
