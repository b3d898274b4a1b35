import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { addDays } from '@docuchat/backstage-plugin-docuchat-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { TokenUsageChart } from './TokenUsageChart';
import {
  DayRange,
  granularityOf,
  lastDays,
  toUsageChart,
  usageChartCsv,
} from './usageChartData';

const PRESETS = [7, 30, 90] as const;
type Preset = (typeof PRESETS)[number] | 'custom';

/**
 * A tenant's token usage: range choice, stacked chart, totals, model table
 * and CSV. Days are the backend's billing days: the first request names no
 * zone, and later ranges are computed in the zone the backend answered with.
 */
export function TokenUsageView(props: { tenantId: string }) {
  const api = useApi(docuchatApiRef);
  const { t, format } = useEntityPagesI18n();
  const [preset, setPreset] = useState<Preset>(30);
  const [timeZone, setTimeZone] = useState<string>();
  const [custom, setCustom] = useState<DayRange>();

  let range: DayRange | undefined = custom;
  if (preset !== 'custom') {
    range = timeZone ? lastDays(preset, timeZone) : undefined;
  }
  const invalid = range !== undefined && range.from > range.to;

  const { value, loading, error } = useAsync(async () => {
    if (invalid) return undefined;
    const usage = await api.getTenantUsage(
      props.tenantId,
      range
        ? {
            from: range.from,
            to: addDays(range.to, 1),
            granularity: granularityOf(range),
            tz: timeZone,
          }
        : {},
    );
    setTimeZone(usage.timeZone);
    return usage;
  }, [api, props.tenantId, range?.from, range?.to, timeZone, invalid]);

  const chart = useMemo(() => value && toUsageChart(value), [value]);
  const csvHref = chart
    ? `data:text/csv;charset=utf-8,${encodeURIComponent(
        usageChartCsv(chart.rows, chart.keys),
      )}`
    : undefined;

  const choose = (next: Preset) => {
    if (next === 'custom' && !custom && timeZone) {
      setCustom(lastDays(2, timeZone));
    }
    setPreset(next);
  };

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 8 }}
      >
        <ButtonGroup size="small" aria-label={t('usage.title')}>
          {PRESETS.map(days => (
            <Button
              key={days}
              variant={preset === days ? 'contained' : 'outlined'}
              disabled={!timeZone && days !== 30}
              onClick={() => choose(days)}
            >
              {t('usage.days', { days: format.number(days) })}
            </Button>
          ))}
          <Button
            variant={preset === 'custom' ? 'contained' : 'outlined'}
            disabled={!timeZone}
            onClick={() => choose('custom')}
          >
            {t('usage.custom')}
          </Button>
        </ButtonGroup>
        {preset === 'custom' && custom && (
          <>
            <TextField
              id="docuchat-usage-from"
              type="date"
              size="small"
              label={t('usage.from')}
              value={custom.from}
              InputLabelProps={{ shrink: true }}
              onChange={e => setCustom({ ...custom, from: e.target.value })}
            />
            <TextField
              id="docuchat-usage-to"
              type="date"
              size="small"
              label={t('usage.to')}
              value={custom.to}
              InputLabelProps={{ shrink: true }}
              onChange={e => setCustom({ ...custom, to: e.target.value })}
            />
          </>
        )}
        {csvHref && chart!.rows.length > 0 && (
          <Button
            size="small"
            href={csvHref}
            download={`docuchat-usage-${props.tenantId}.csv`}
          >
            {t('usage.csv')}
          </Button>
        )}
      </Box>
      {invalid && (
        <Typography color="error">{t('usage.invalidRange')}</Typography>
      )}
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && chart && !loading && (
        <>
          <Typography variant="caption">
            {value.granularity === 'hour'
              ? t('usage.hourly', { timeZone: value.timeZone })
              : t('usage.daily', { timeZone: value.timeZone })}
          </Typography>
          {chart.rows.length === 0 ? (
            <Typography>{t('usage.empty')}</Typography>
          ) : (
            <TokenUsageChart
              rows={chart.rows}
              keys={chart.keys}
              format={format}
              labels={{
                prompt: t('usage.promptTokens'),
                completion: t('usage.completionTokens'),
              }}
            />
          )}
          <Table size="small" aria-label={t('usage.model')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('usage.model')}</TableCell>
                <TableCell align="right">{t('usage.promptTokens')}</TableCell>
                <TableCell align="right">
                  {t('usage.completionTokens')}
                </TableCell>
                <TableCell align="right">{t('usage.calls')}</TableCell>
                <TableCell align="right">{t('usage.cost')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.models.map(line => (
                <TableRow key={line.model}>
                  <TableCell>{line.model}</TableCell>
                  <TableCell align="right">
                    {format.number(line.promptTokens)}
                  </TableCell>
                  <TableCell align="right">
                    {format.number(line.completionTokens)}
                  </TableCell>
                  <TableCell align="right">
                    {format.number(line.calls)}
                  </TableCell>
                  <TableCell align="right">
                    {t('common.tomans', {
                      amount: format.tomans(line.costRials),
                    })}
                  </TableCell>
                </TableRow>
              ))}
              <TableRow data-testid="usage-total">
                <TableCell>
                  <strong>{t('usage.totalTokens')}: </strong>
                  <span data-testid="usage-total-tokens">
                    {format.number(value.total.tokens)}
                  </span>
                </TableCell>
                <TableCell align="right">
                  {format.number(value.total.promptTokens)}
                </TableCell>
                <TableCell align="right">
                  {format.number(value.total.completionTokens)}
                </TableCell>
                <TableCell align="right">
                  {format.number(value.total.calls)}
                </TableCell>
                <TableCell align="right" data-testid="usage-total-cost">
                  {t('common.tomans', {
                    amount: format.tomans(value.total.costRials),
                  })}
                </TableCell>
              </TableRow>
            </TableBody>
          </Table>
        </>
      )}
    </Box>
  );
}
