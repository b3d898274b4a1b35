import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { UsageSummaryResponse } from '@docuchat/backstage-plugin-docuchat-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEntityPagesI18n } from '../EntityPagesCommon';

const TOP = 10;

/** The tenants that cost most in the range, and the totals of all. */
export function UsageAcrossTenants(props: {
  summary?: UsageSummaryResponse;
  loading: boolean;
  error?: Error;
}) {
  const { t, format } = useEntityPagesI18n();
  const { summary } = props;
  const top = summary
    ? [...summary.tenants]
        .sort(
          (a, b) =>
            b.total.costRials - a.total.costRials ||
            b.total.tokens - a.total.tokens,
        )
        .slice(0, TOP)
    : [];
  return (
    <InfoCard title={t('admin.topTenants')}>
      {props.loading && <Progress />}
      {props.error && <ResponseErrorPanel error={props.error} />}
      {summary && !props.loading && (
        <>
          <Typography data-testid="admin-totals">
            {t('admin.totals')}: {format.number(summary.total.tokens)}{' '}
            {t('usage.totalTokens')} ·{' '}
            {t('common.tomans', {
              amount: format.tomans(summary.total.costRials),
            })}
          </Typography>
          {top.length === 0 ? (
            <Typography>{t('usage.empty')}</Typography>
          ) : (
            <Table size="small" aria-label={t('admin.topTenants')}>
              <TableHead>
                <TableRow>
                  <TableCell>{t('admin.tenant')}</TableCell>
                  <TableCell align="right">{t('usage.totalTokens')}</TableCell>
                  <TableCell align="right">{t('usage.calls')}</TableCell>
                  <TableCell align="right">{t('usage.cost')}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {top.map(tenant => (
                  <TableRow key={tenant.tenantId}>
                    <TableCell>{tenant.tenantId}</TableCell>
                    <TableCell align="right">
                      {format.number(tenant.total.tokens)}
                    </TableCell>
                    <TableCell align="right">
                      {format.number(tenant.total.calls)}
                    </TableCell>
                    <TableCell align="right">
                      {t('common.tomans', {
                        amount: format.tomans(tenant.total.costRials),
                      })}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      )}
    </InfoCard>
  );
}
