import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { SearchResponse } from '@docuchat/backstage-plugin-docuchat-common';
import { FormEvent, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { describeError } from '../common/describeError';
import { useLocale } from '../common/useLocale';

/** The ranked passages of `GET /search`: why an answer cited what it cited. */
export function PassageSearch(props: { tenantId: string }) {
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber } = useLocale();
  const [q, setQ] = useState('');
  const [result, setResult] = useState<SearchResponse>();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!q.trim()) return;
    try {
      setResult(await api.search(props.tenantId, q.trim(), 5));
      setError(undefined);
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  return (
    <form onSubmit={submit} role="search">
      <TextField
        id="docuchat-passage-search"
        fullWidth
        size="small"
        variant="outlined"
        label={t('documents.searchLabel')}
        helperText={t('documents.searchHelp')}
        value={q}
        onChange={e => setQ(e.target.value)}
        inputProps={{ dir: 'auto', type: 'search' }}
      />
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      {result && result.hits.length === 0 && (
        <Typography color="textSecondary">{t('documents.noHits')}</Typography>
      )}
      <ol style={{ paddingInlineStart: 20 }}>
        {result?.hits.map(hit => (
          <li key={hit.chunkId}>
            <Box mb={1}>
              <Typography variant="subtitle2" dir="auto">
                {hit.documentTitle}
                {hit.headingPath.length > 0 &&
                  ` › ${hit.headingPath.join(' › ')}`}{' '}
                <Typography
                  component="span"
                  variant="caption"
                  color="textSecondary"
                >
                  (
                  {t('documents.score', {
                    score: formatNumber(Number(hit.score.toFixed(4))),
                  })}
                  )
                </Typography>
              </Typography>
              <Typography
                variant="body2"
                dir="auto"
                style={{ whiteSpace: 'pre-wrap' }}
              >
                {hit.text.length > 400
                  ? `${hit.text.slice(0, 400)}…`
                  : hit.text}
              </Typography>
            </Box>
          </li>
        ))}
      </ol>
    </form>
  );
}
