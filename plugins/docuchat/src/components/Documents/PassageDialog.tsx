import { Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { describeError } from '../common/describeError';
import { PassageText } from '../Markdown/PassageText';

/**
 * The passage named by `?passage=<chunkId>` (where the portal's search links
 * a DocuChat result), over the Documents tab; closing it drops the parameter.
 */
export function PassageDialog(props: { tenantId: string }) {
  const { tenantId } = props;
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const [params, setParams] = useSearchParams();
  const chunkId = params.get('passage');
  const passage = useAsync(
    async () => (chunkId ? api.getPassage(tenantId, chunkId) : undefined),
    [api, tenantId, chunkId],
  );
  const close = () => {
    params.delete('passage');
    setParams(params, { replace: true });
  };
  return (
    <Dialog open={!!chunkId} onClose={close} maxWidth="md" fullWidth>
      <DialogTitle disableTypography>
        <Typography variant="h6" component="h2" dir="auto">
          {passage.value?.documentTitle ?? t('sources.title')}
        </Typography>
        {passage.value && passage.value.headingPath.length > 0 && (
          <Typography variant="caption" color="textSecondary" dir="auto">
            {passage.value.headingPath.join(' › ')}
          </Typography>
        )}
      </DialogTitle>
      <DialogContent data-testid="docuchat-passage-dialog">
        {passage.loading && <Progress aria-label={t('sources.loading')} />}
        {passage.error && (
          <Typography color="error" role="status">
            {describeError(passage.error, t)}
          </Typography>
        )}
        {passage.value && <PassageText text={passage.value.text} />}
        {passage.value?.sourceUrl && (
          <Typography variant="body2" style={{ marginTop: 12 }}>
            <Link to={passage.value.sourceUrl}>{t('sources.openPage')}</Link>
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close}>{t('documents.closePassage')}</Button>
      </DialogActions>
    </Dialog>
  );
}
