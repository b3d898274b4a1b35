import { compatWrapper } from '@backstage/core-compat-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import Grid from '@material-ui/core/Grid';
import { isTenantEntity } from './entityPredicates';

/** The token-usage tab of `docuchat-tenant` entities. */
export const entityTokenUsageContent = EntityContentBlueprint.make({
  name: 'token-usage',
  params: {
    path: '/docuchat-usage',
    title: 'Token usage',
    group: 'observability',
    filter: isTenantEntity,
    loader: () =>
      import('../components/TokenUsage').then(m =>
        compatWrapper(
          <Grid container>
            <Grid item xs={12}>
              <m.TokenUsageCard />
            </Grid>
          </Grid>,
        ),
      ),
  },
});

/** The invoices tab of `docuchat-tenant` entities. */
export const entityInvoicesContent = EntityContentBlueprint.make({
  name: 'invoices',
  params: {
    path: '/docuchat-invoices',
    title: 'Invoices',
    group: 'observability',
    filter: isTenantEntity,
    loader: () =>
      import('../components/Invoices').then(m =>
        compatWrapper(
          <Grid container>
            <Grid item xs={12}>
              <m.InvoicesCard pageSize={20} />
            </Grid>
          </Grid>,
        ),
      ),
  },
});

export const entityContents = [entityTokenUsageContent, entityInvoicesContent];
