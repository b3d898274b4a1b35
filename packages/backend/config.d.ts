export interface Config {
  techdocs?: {
    generator?: {
      mkdocs?: {
        /**
         * Build with the `mkdocs` on PATH without adding the techdocs-core
         * plugin. @backstage/plugin-techdocs-node reads this key, but the
         * techdocs backend's schema (1.55) does not declare it; this app
         * sets it because techdocs-core is only on PyPI, which is out of
         * reach here (Debian's mkdocs builds the docs instead).
         */
        omitTechdocsCorePlugin?: boolean;
      };
    };
  };
}
