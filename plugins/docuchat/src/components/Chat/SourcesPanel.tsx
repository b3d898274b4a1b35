import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { Link, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import { Citation } from '@docuchat/backstage-plugin-docuchat-common';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { PassageText } from '../Markdown/PassageText';
import { docuchatTranslationRef } from '../../translation';
import { statusOf, describeError } from '../common/describeError';
import { useLocale } from '../common/useLocale';

/**
 * The passage behind a citation: document title, heading path and the whole
 * chunk; the stored snippet when the chunk is gone.
 */
export function SourcesPanel(props: {
  tenantId: string;
  citation?: Citation;
  onClose: () => void;
}) {
  const { tenantId, citation, onClose } = props;
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber } = useLocale();
  const passage = useAsync(
    async () =>
      citation ? api.getPassage(tenantId, citation.chunkId) : undefined,
    [api, tenantId, citation?.chunkId],
  );
  return (
    <Paper
      variant="outlined"
      component="aside"
      aria-label={t('sources.title')}
      style={{ padding: 16, height: '100%', overflowY: 'auto' }}
    >
      <Box display="flex" alignItems="center">
        <Typography variant="h6" component="h2" style={{ flexGrow: 1 }}>
          {t('sources.title')}
        </Typography>
        {citation && (
          <IconButton
            size="small"
            aria-label={t('sources.close')}
            onClick={onClose}
          >
            <CloseIcon fontSize="small" />
          </IconButton>
        )}
      </Box>
      {!citation && (
        <Typography variant="body2" color="textSecondary">
          {t('sources.empty')}
        </Typography>
      )}
      {citation && (
        <Box mt={1} data-testid="docuchat-passage">
          <Typography variant="subtitle1" component="h3" dir="auto">
            [{formatNumber(citation.n)}] {citation.documentTitle}
          </Typography>
          {citation.headingPath.length > 0 && (
            <Typography variant="caption" color="textSecondary" dir="auto">
              {citation.headingPath.join(' › ')}
            </Typography>
          )}
          {citation.sourceUrl && (
            <Typography variant="body2">
              <Link to={citation.sourceUrl}>{t('sources.openPage')}</Link>
            </Typography>
          )}
          {passage.loading && <Progress aria-label={t('sources.loading')} />}
          {passage.value && (
            <Box mt={1}>
              <PassageText text={passage.value.text} />
            </Box>
          )}
          {passage.error && (
            <>
              <Typography variant="body2" color="textSecondary" role="status">
                {statusOf(passage.error) === 404
                  ? t('sources.passageGone')
                  : describeError(passage.error, t)}
              </Typography>
              <Typography
                variant="body2"
                dir="auto"
                style={{ whiteSpace: 'pre-wrap', marginTop: 8 }}
              >
                {citation.snippet}
              </Typography>
            </>
          )}
        </Box>
      )}
    </Paper>
  );
}
