import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import { docuchatTranslationRef } from '../../translation';
import { TenantForm } from './TenantForm';
import { SourcesCard } from '../Sources';

/** Operators: create a tenant, edit the current one and its sources. */
export function TenantAdmin(props: {
  tenant?: Tenant;
  onChanged: (tenant: Tenant) => void;
}) {
  const { tenant, onChanged } = props;
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={6}>
        <InfoCard title={t('tenants.createTitle')}>
          <TenantForm
            onSaved={saved => {
              alertApi.post({
                message: t('tenants.created', { tenant: saved.id }),
                display: 'transient',
              });
              onChanged(saved);
            }}
          />
        </InfoCard>
      </Grid>
      {tenant && (
        <Grid item xs={12} md={6}>
          <InfoCard title={t('tenants.editTitle', { tenant: tenant.id })}>
            <TenantForm
              key={tenant.id}
              tenant={tenant}
              onSaved={saved => {
                alertApi.post({
                  message: t('tenants.saved', { tenant: saved.id }),
                  display: 'transient',
                });
                onChanged(saved);
              }}
            />
          </InfoCard>
        </Grid>
      )}
      {tenant && (
        <Grid item xs={12}>
          <SourcesCard tenantId={tenant.id} />
        </Grid>
      )}
    </Grid>
  );
}
