import {
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';

/** Every panel and variable queries the data source the viewer picked. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/** The one data source variable of each dashboard. */
export function datasourceVariable() {
  return new DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus');
}

/** Tenants that have used tokens; several at once, or all. */
export function tenantVariable(backendSelector: string) {
  return new QueryVariableBuilder('tenant')
    .label('Tenant')
    .datasource(DATASOURCE)
    .query(`label_values(openai_tokens_total{${backendSelector}}, tenant)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** One PromQL query with its legend. */
export function query(expr: string, legend: string) {
  return new DataqueryBuilder().expr(expr).legendFormat(legend);
}

/** A time series panel of `queries`, in `unit`. */
export function timeseries(
  title: string,
  unit: string,
  queries: DataqueryBuilder[],
  width = 12,
) {
  return new TimeseriesPanel()
    .title(title)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(8)
    .targets(queries);
}

/** A single number (or one per series) over the dashboard's time range. */
export function stat(
  title: string,
  unit: string,
  queries: DataqueryBuilder[],
  width = 6,
) {
  return new StatPanel()
    .title(title)
    .datasource(DATASOURCE)
    .unit(unit)
    .span(width)
    .height(5)
    .targets(queries.map(q => q.instant()));
}
