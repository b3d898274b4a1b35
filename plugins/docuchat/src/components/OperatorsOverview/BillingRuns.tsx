import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  BillingRun,
  docuchatBillingRunPermission,
} from '@docuchat/backstage-plugin-docuchat-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { Formatters, useEntityPagesI18n } from '../EntityPagesCommon';
import { useReloadableAsync } from '../common/useReloadableAsync';

/** Drift of a run: the summed ledger − Prometheus tokens, or why none. */
function driftOf(run: BillingRun, format: Formatters): string {
  if (!run.drift) return '—';
  if (run.drift.prometheus !== 'ok') return run.drift.prometheus;
  const total = run.drift.entries.reduce((sum, e) => sum + e.driftTokens, 0);
  return format.number(total);
}

/** The last billing runs, and a form that bills one day now. */
const useStyles = makeStyles({
  // A run and the line of its reasons below read as one row.
  withReasons: { '& > td': { borderBottom: 'none' } },
});

export function BillingRuns(props: { defaultDay: string }) {
  const api = useApi(docuchatApiRef);
  const classes = useStyles();
  const { t, format } = useEntityPagesI18n();
  const mayRun = usePermission({ permission: docuchatBillingRunPermission });
  const runs = useReloadableAsync(
    () => api.listBillingRuns({ limit: 10 }),
    [api],
  );
  const [day, setDay] = useState(props.defaultDay);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<BillingRun>();
  const [runError, setRunError] = useState<Error>();

  const bill = async () => {
    setBusy(true);
    setResult(undefined);
    setRunError(undefined);
    try {
      setResult(await api.runBilling({ day }));
    } catch (error) {
      setRunError(error as Error);
    } finally {
      setBusy(false);
      runs.reload();
    }
  };

  return (
    <InfoCard title={t('admin.runs')}>
      {mayRun.allowed && (
        <Box display="flex" alignItems="center" style={{ gap: 8 }} mb={2}>
          <TextField
            id="docuchat-billing-day"
            type="date"
            size="small"
            label={t('admin.day')}
            value={day}
            InputLabelProps={{ shrink: true }}
            onChange={e => setDay(e.target.value)}
          />
          <Button
            variant="contained"
            color="primary"
            disabled={busy || !day}
            onClick={bill}
          >
            {busy ? t('admin.billing') : t('admin.billDay')}
          </Button>
        </Box>
      )}
      {result && (
        <Typography data-testid="billing-run-result">
          {t('admin.runResult', {
            outcome: result.outcome,
            days: format.number(result.daysBilled),
            issued: format.number(result.invoicesIssued),
            carried: format.number(result.invoicesCarried),
            amount: t('common.tomans', {
              amount: format.tomans(result.billedRials),
            }),
          })}
        </Typography>
      )}
      {runError && <ResponseErrorPanel error={runError} />}
      {runs.loading && !runs.value && <Progress />}
      {runs.error && <ResponseErrorPanel error={runs.error} />}
      {runs.value && runs.value.items.length === 0 && (
        <Typography>{t('admin.noRuns')}</Typography>
      )}
      {runs.value && runs.value.items.length > 0 && (
        <Table size="small" aria-label={t('admin.runs')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('admin.startedAt')}</TableCell>
              <TableCell>{t('invoices.period')}</TableCell>
              <TableCell>{t('admin.outcome')}</TableCell>
              <TableCell align="right">{t('admin.issued')}</TableCell>
              <TableCell align="right">{t('admin.carried')}</TableCell>
              <TableCell align="right">{t('admin.billed')}</TableCell>
              <TableCell align="right">{t('admin.drift')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {runs.value.items.map(run => (
              <Fragment key={run.id}>
                <TableRow
                  className={
                    run.errors.length > 0 ? classes.withReasons : undefined
                  }
                >
                  <TableCell>{format.dateTime(run.startedAt)}</TableCell>
                  <TableCell>
                    {run.from === run.to
                      ? format.day(run.from)
                      : `${format.day(run.from)} – ${format.day(run.to)}`}
                  </TableCell>
                  <TableCell>{run.outcome}</TableCell>
                  <TableCell align="right">
                    {format.number(run.invoicesIssued)}
                  </TableCell>
                  <TableCell align="right">
                    {format.number(run.invoicesCarried)}
                  </TableCell>
                  <TableCell align="right">
                    {t('common.tomans', {
                      amount: format.tomans(run.billedRials),
                    })}
                  </TableCell>
                  <TableCell align="right">{driftOf(run, format)}</TableCell>
                </TableRow>
                {/* Why a run is partial or failed, in plain sight and across
                    the whole row: one line per kind of failure. */}
                {run.errors.length > 0 && (
                  <TableRow>
                    <TableCell colSpan={7} style={{ paddingTop: 0 }}>
                      {run.errors.map((error, i) => (
                        <Typography
                          key={i}
                          variant="caption"
                          color="textSecondary"
                          component="div"
                          dir="auto"
                          style={{ overflowWrap: 'anywhere' }}
                        >
                          {error}
                        </Typography>
                      ))}
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
