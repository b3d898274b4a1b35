export interface Config {
  docuchat?: {
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
      };
    }>;
  };
}
