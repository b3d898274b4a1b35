import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';

/** The package that ships DocuChat's scaffolder templates. */
export const TEMPLATES_PACKAGE =
  '@docuchat/backstage-plugin-scaffolder-backend-module-docuchat';

/**
 * The `templates/` folder of the installed scaffolder module, or undefined
 * when the module is not installed (its templates would name actions this
 * backend does not have).
 */
export function findTemplatesDirectory(): string | undefined {
  try {
    return join(
      dirname(require.resolve(`${TEMPLATES_PACKAGE}/package.json`)),
      'templates',
    );
  } catch {
    return undefined;
  }
}

/**
 * Puts the scaffolder templates that ship inside the DocuChat scaffolder
 * module into the catalog, read from the installed package: nothing to copy
 * and no catalog location to keep in step with the package's version.
 *
 * Each template is annotated with its file as `file:` location, so the
 * scaffolder resolves relative `fetch:template` URLs (the new-environment
 * skeleton) beside it. Entities from a provider are not subject to
 * `catalog.rules`, so no `allow: [Template]` rule is needed.
 */
export class DocuchatTemplateProvider implements EntityProvider {
  readonly #directory: string;
  readonly #logger: LoggerService;

  constructor(options: { directory: string; logger: LoggerService }) {
    this.#directory = options.directory;
    this.#logger = options.logger;
  }

  getProviderName() {
    return 'docuchat-templates';
  }

  async connect(connection: EntityProviderConnection) {
    // The templates change only with the installed package, that is with a
    // restart: one full mutation at connect.
    const entities = (await this.readTemplates()).map(entity => ({
      entity,
      locationKey: this.getProviderName(),
    }));
    await connection.applyMutation({ type: 'full', entities });
    this.#logger.info(
      `Provided ${entities.length} DocuChat templates from ${this.#directory}`,
    );
  }

  async readTemplates(): Promise<Entity[]> {
    const folders = await readdir(this.#directory, { withFileTypes: true });
    const templates: Entity[] = [];
    for (const folder of folders.filter(f => f.isDirectory()).sort()) {
      const file = join(this.#directory, folder.name, 'template.yaml');
      const entity = parse(await readFile(file, 'utf8')) as Entity;
      if (entity?.kind !== 'Template') {
        throw new Error(`${file} does not hold a Template entity`);
      }
      const location = `file:${file}`;
      templates.push({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            [ANNOTATION_LOCATION]: location,
            [ANNOTATION_ORIGIN_LOCATION]: location,
          },
        },
      });
    }
    return templates;
  }
}
