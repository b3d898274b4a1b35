import {
  Content,
  Header,
  Page,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  addDays,
  docuchatOperationsReadPermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { useCapability, useEntityPagesI18n } from '../EntityPagesCommon';
import { lastDays } from '../TokenUsage/usageChartData';
import { BillingRuns } from './BillingRuns';
import { InvoicesByStatus } from './InvoicesByStatus';
import { UsageAcrossTenants } from './UsageAcrossTenants';

const PRESETS = [7, 30, 90] as const;

/**
 * `/docuchat/admin`: usage and billed amounts across tenants, invoices by
 * status, the last billing runs and a button to bill a day. Days are the
 * billing timezone's, learnt from the first usage answer.
 */
export function OperatorsOverviewPage() {
  const { t, dir } = useEntityPagesI18n();
  const permission = usePermission({
    permission: docuchatOperationsReadPermission,
  });
  return (
    <Page themeId="tool">
      <Header title={t('admin.title')} subtitle={t('admin.subtitle')} />
      <Content>
        <div dir={dir}>
          {permission.loading && <Progress />}
          {!permission.loading && !permission.allowed && (
            <Typography>{t('common.notPermitted')}</Typography>
          )}
          {permission.allowed && <OperatorsOverview />}
        </div>
      </Content>
    </Page>
  );
}

function OperatorsOverview() {
  const api = useApi(docuchatApiRef);
  const { t, format } = useEntityPagesI18n();
  const billing = useCapability('billing');
  const [days, setDays] = useState<number>(30);
  const [timeZone, setTimeZone] = useState<string>();
  const range = timeZone ? lastDays(days, timeZone) : undefined;

  const usage = useAsync(async () => {
    const summary = await api.getUsageSummary(
      range ? { from: range.from, to: addDays(range.to, 1), tz: timeZone } : {},
    );
    setTimeZone(summary.timeZone);
    return summary;
  }, [api, range?.from, range?.to, timeZone]);

  const invoices = useAsync(async () => {
    if (!billing.available || !range) return undefined;
    return api.listInvoices({ from: range.from, to: range.to, limit: 1 });
  }, [api, billing.available, range?.from, range?.to]);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ButtonGroup size="small" aria-label={t('admin.range')}>
          {PRESETS.map(n => (
            <Button
              key={n}
              disabled={!timeZone}
              variant={days === n ? 'contained' : 'outlined'}
              onClick={() => setDays(n)}
            >
              {t('usage.days', { days: format.number(n) })}
            </Button>
          ))}
        </ButtonGroup>
      </Grid>
      <Grid item xs={12} md={6}>
        <UsageAcrossTenants
          summary={usage.value}
          loading={usage.loading}
          error={usage.error}
        />
      </Grid>
      {billing.available === false && (
        <Grid item xs={12} md={6}>
          <WarningPanel
            severity="info"
            title={t('common.notAvailable', { capability: 'billing' })}
          />
        </Grid>
      )}
      {billing.available && (
        <>
          <Grid item xs={12} md={6}>
            <InvoicesByStatus
              invoices={invoices.value}
              loading={invoices.loading}
              error={invoices.error}
            />
          </Grid>
          <Grid item xs={12}>
            {timeZone && (
              <BillingRuns defaultDay={addDays(lastDays(1, timeZone).to, -1)} />
            )}
          </Grid>
        </>
      )}
    </Grid>
  );
}
