import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { kubernetesResourcesReadPermission } from '@backstage/plugin-kubernetes-common';
import { useKubernetesObjects } from '@backstage/plugin-kubernetes-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Entity } from '@backstage/catalog-model';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { summarizeDeployments } from './deploymentSummary';

/**
 * A `docuchat-environment`'s deployments, through the Kubernetes plugin's
 * API: ready replicas, autoscaler current/min/max and image tags. Asks the
 * Kubernetes backend only of those who may read its resources.
 */
export function DeploymentSummaryCard() {
  const { entity } = useEntity();
  const { t, dir } = useEntityPagesI18n();
  const permission = usePermission({
    permission: kubernetesResourcesReadPermission,
  });
  let body;
  if (permission.loading) body = <Progress />;
  else if (!permission.allowed)
    body = <Typography>{t('common.notPermitted')}</Typography>;
  else body = <DeploymentSummary entity={entity} />;
  return (
    <InfoCard title={t('deployments.title')}>
      <div dir={dir}>{body}</div>
    </InfoCard>
  );
}

function DeploymentSummary(props: { entity: Entity }) {
  const { t, format } = useEntityPagesI18n();
  const { kubernetesObjects, error } = useKubernetesObjects(props.entity);
  const deployments = useMemo(
    () => kubernetesObjects && summarizeDeployments(kubernetesObjects),
    [kubernetesObjects],
  );
  const clusterErrors = (kubernetesObjects?.items ?? []).flatMap(item =>
    item.errors.map(e => `${item.cluster.name}: ${e.errorType}`),
  );

  let body;
  if (error) {
    body = <WarningPanel severity="error" title={error} />;
  } else if (!deployments) {
    body = <Progress />;
  } else if (deployments.length === 0) {
    body = <Typography>{t('deployments.empty')}</Typography>;
  } else {
    body = (
      <Table size="small" aria-label={t('deployments.title')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('deployments.name')}</TableCell>
            <TableCell>{t('deployments.cluster')}</TableCell>
            <TableCell align="right">{t('deployments.ready')}</TableCell>
            <TableCell align="right">{t('deployments.hpa')}</TableCell>
            <TableCell>{t('deployments.images')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {deployments.map(d => (
            <TableRow key={`${d.cluster}/${d.namespace}/${d.name}`}>
              <TableCell>{d.name}</TableCell>
              <TableCell>
                {d.cluster}/{d.namespace}
              </TableCell>
              <TableCell align="right">
                {format.number(d.readyReplicas)}/{format.number(d.replicas)}
              </TableCell>
              <TableCell align="right">
                {d.hpa
                  ? `${format.number(d.hpa.current)} / ${format.number(
                      d.hpa.min,
                    )} / ${format.number(d.hpa.max)}`
                  : '—'}
              </TableCell>
              <TableCell>
                <span dir="ltr">{d.images.join(', ')}</span>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <>
      {clusterErrors.length > 0 && (
        <WarningPanel severity="warning" title={clusterErrors.join('; ')} />
      )}
      {body}
    </>
  );
}
