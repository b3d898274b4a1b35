import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      docuchat?: {
        /**
         * How often every tenant is read again from the DocuChat API (a full
         * mutation). Created and updated tenants arrive sooner, as events.
         * Defaults to every 30 minutes, 15 seconds after startup.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Put the scaffolder templates that ship inside
         * `@docuchat/backstage-plugin-scaffolder-backend-module-docuchat`
         * into the catalog (when that package is installed). Default true.
         */
        templates?: boolean;
      };
    };
  };
  docuchat?: {
    /**
     * The environment (a `docuchat.environments[].name`) this backend serves;
     * its tenants `dependsOn` that environment's Resource. Defaults to the
     * first configured environment.
     */
    environment?: string;
    /**
     * DocuChat deployments shown in the catalog as Resource entities of type
     * `docuchat-environment`.
     */
    environments?: Array<{
      /** Lowercase slug, e.g. `staging`; the entity is `docuchat-<name>`. */
      name: string;
      /** Human title, e.g. `Staging`. */
      title?: string;
      description?: string;
      /** Entity ref of the owning group, e.g. `group:default/platform`. */
      owner: string;
      /** Public URL of that environment's portal. */
      url?: string;
      kubernetes?: {
        /** `backstage.io/kubernetes-id`; defaults to `docuchat-<name>`. */
        id?: string;
        /** `backstage.io/kubernetes-namespace`; defaults to `docuchat-<name>`. */
        namespace?: string;
        /**
         * Name of the cluster in `kubernetes.clusterLocatorMethods` the
         * environment runs in (annotation `backstage.io/kubernetes-cluster`);
         * the `docuchat:*` runbooks act there.
         */
        cluster?: string;
      };
    }>;
  };
}
