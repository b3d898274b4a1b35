import { PrometheusServer } from '@internal/docuchat-test-utils';
import { Ms } from '../record';

/** An alert's state over one stretch of time, from Prometheus's `ALERTS`. */
export interface AlertInterval {
  alertname: string;
  severity?: string;
  state: 'pending' | 'firing';
  start: Ms;
  end: Ms;
}

const STEP_SECONDS = 5;

/**
 * What the repository's rules said during the run: every pending and
 * firing stretch of every alert, read from the real Prometheus that
 * scraped the replicas and evaluated `monitoring/prometheus/alerts.yml`.
 */
export async function alertTimeline(
  prometheus: PrometheusServer,
  start: Ms,
  end: Ms,
): Promise<AlertInterval[]> {
  const data = await prometheus.api(
    `query_range?${new URLSearchParams({
      query: 'ALERTS',
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(STEP_SECONDS),
    })}`,
  );
  const intervals: AlertInterval[] = [];
  for (const series of data.result as Array<{
    metric: Record<string, string>;
    values: Array<[number, string]>;
  }>) {
    let current: AlertInterval | undefined;
    for (const [t] of series.values) {
      const at = t * 1000;
      if (current && at - current.end <= STEP_SECONDS * 1500) {
        current.end = at;
        continue;
      }
      current = {
        alertname: series.metric.alertname,
        severity: series.metric.severity,
        state: series.metric.alertstate === 'firing' ? 'firing' : 'pending',
        start: at,
        end: at,
      };
      intervals.push(current);
    }
  }
  return intervals.sort((a, b) => a.start - b.start);
}

/** The highest value a series reached over the run, and when. */
export async function peak(
  prometheus: PrometheusServer,
  query: string,
  start: Ms,
  end: Ms,
): Promise<{ value: number; at: Ms } | undefined> {
  const data = await prometheus.api(
    `query_range?${new URLSearchParams({
      query,
      start: String(start / 1000),
      end: String(end / 1000),
      step: String(STEP_SECONDS),
    })}`,
  );
  let best: { value: number; at: Ms } | undefined;
  for (const series of data.result) {
    for (const [t, v] of series.values as Array<[number, string]>) {
      const value = Number(v);
      if (Number.isFinite(value) && (!best || value > best.value)) {
        best = { value, at: t * 1000 };
      }
    }
  }
  return best;
}
