import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef, useEntity } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { statusOf } from '../common/describeError';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import {
  DOCUCHAT_TEMPLATE_FILTER,
  ENVIRONMENT_PARAMETER,
  runbookLink,
  templateParameterNames,
} from './runbookLinks';

/** Runbooks that act on this environment come first. */
const actsOnEnvironment = (template: Entity) =>
  templateParameterNames(template).has(ENVIRONMENT_PARAMETER);

/**
 * The DocuChat templates (runbooks) of the catalog, each linking into the
 * scaffolder with this environment filled in; those that act on an
 * environment first. The catalog leaves out the
 * templates a user may not read, and refuses (403) those who may read none.
 */
export function RunbooksCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const { t, dir } = useEntityPagesI18n();
  const { value, loading, error } = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: DOCUCHAT_TEMPLATE_FILTER,
          fields: ['kind', 'metadata', 'spec.type', 'spec.parameters'],
        })
      ).items.sort(
        (a, b) =>
          Number(actsOnEnvironment(b)) - Number(actsOnEnvironment(a)) ||
          (a.metadata.title ?? a.metadata.name).localeCompare(
            b.metadata.title ?? b.metadata.name,
          ),
      ),
    [catalogApi],
  );
  const environmentRef = stringifyEntityRef(entity);
  return (
    <InfoCard title={t('runbooks.title')}>
      <div dir={dir}>
        {loading && <Progress />}
        {error && statusOf(error) === 403 && (
          <Typography>{t('common.notPermitted')}</Typography>
        )}
        {error && statusOf(error) !== 403 && (
          <ResponseErrorPanel error={error} />
        )}
        {value && value.length === 0 && (
          <Typography>{t('runbooks.empty')}</Typography>
        )}
        {value && value.length > 0 && (
          // Not dense: Backstage's theme cuts dense list texts to one line,
          // and the descriptions are sentences.
          <List>
            {value.map(template => (
              <ListItem key={template.metadata.name}>
                <ListItemText
                  primary={
                    <Link to={runbookLink(template, environmentRef)}>
                      {template.metadata.title ?? template.metadata.name}
                    </Link>
                  }
                  secondary={template.metadata.description}
                />
              </ListItem>
            ))}
          </List>
        )}
      </div>
    </InfoCard>
  );
}
