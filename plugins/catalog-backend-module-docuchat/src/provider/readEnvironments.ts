import { Config } from '@backstage/config';

/** One DocuChat deployment (staging, production…) as configured. */
export interface DocuchatEnvironment {
  name: string;
  title: string;
  description?: string;
  owner: string;
  kubernetesId: string;
  kubernetesNamespace: string;
  /** Public base URL of that environment's portal, when it has one. */
  url?: string;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

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
      url: env.getOptionalString('url'),
    };
  });
}
