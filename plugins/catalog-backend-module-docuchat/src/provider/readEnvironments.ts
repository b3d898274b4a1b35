import { Config } from '@backstage/config';

/** One DocuChat deployment (staging, production…) as configured. */
export interface DocuchatEnvironment {
  name: string;
  title: string;
  description?: string;
  owner: string;
  kubernetesId: string;
  kubernetesNamespace: string;
  /**
   * Name of the cluster (in the `kubernetes` config) the environment runs
   * in; runbooks act there.
   */
  kubernetesCluster?: string;
  /** Public base URL of that environment's portal, when it has one. */
  url?: string;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The entity ref of the environment this backend serves: the
 * `docuchat.environment` name, or the first configured environment.
 * Undefined when no environment is configured.
 */
export function readServedEnvironmentRef(
  config: Config,
  environments: DocuchatEnvironment[],
): string | undefined {
  const name =
    config.getOptionalString('docuchat.environment') ?? environments[0]?.name;
  if (name === undefined) return undefined;
  if (!environments.some(env => env.name === name)) {
    throw new Error(
      `docuchat.environment: "${name}" is not one of docuchat.environments`,
    );
  }
  return `resource:default/${environmentEntityName(name)}`;
}

/** The catalog name of an environment's Resource. */
export function environmentEntityName(name: string) {
  return `docuchat-${name}`;
}

/** Reads `docuchat.environments`; an absent list means no entities. */
export function readEnvironments(config: Config): DocuchatEnvironment[] {
  const list = config.getOptionalConfigArray('docuchat.environments') ?? [];
  const seen = new Set<string>();
  return list.map(env => {
    const name = env.getString('name');
    if (!NAME.test(name)) {
      throw new Error(
        `docuchat.environments: "${name}" is not a valid name (lowercase letters, digits and dashes, at most 63)`,
      );
    }
    if (seen.has(name)) {
      throw new Error(`docuchat.environments: "${name}" is listed twice`);
    }
    seen.add(name);
    return {
      name,
      title: env.getOptionalString('title') ?? name,
      description: env.getOptionalString('description'),
      owner: env.getString('owner'),
      kubernetesId:
        env.getOptionalString('kubernetes.id') ?? `docuchat-${name}`,
      kubernetesNamespace:
        env.getOptionalString('kubernetes.namespace') ?? `docuchat-${name}`,
      kubernetesCluster: env.getOptionalString('kubernetes.cluster'),
      url: env.getOptionalString('url'),
    };
  });
}
