import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import FileCopyIcon from '@material-ui/icons/FileCopy';
import ReplayIcon from '@material-ui/icons/Replay';
import {
  AnswerFeedback,
  Citation,
} from '@docuchat/backstage-plugin-docuchat-common';
import { SafeMarkdown } from '../Markdown/SafeMarkdown';
import { docuchatTranslationRef } from '../../translation';
import { FeedbackButtons } from './FeedbackButtons';
import { ChatTurnView } from './types';
import { useLocale } from '../common/useLocale';

const useStyles = makeStyles(theme => ({
  question: {
    alignSelf: 'flex-end',
    maxWidth: '80%',
    padding: theme.spacing(1, 2),
    background: theme.palette.primary.main,
    color: theme.palette.primary.contrastText,
    borderRadius: theme.shape.borderRadius * 2,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
  answer: { padding: theme.spacing(1.5, 2) },
  chip: { height: 20, marginInline: 2, verticalAlign: 'baseline' },
  meta: { color: theme.palette.text.secondary },
}));

/** One question and its (streaming) answer, with citations and actions. */
export function AnswerCard(props: {
  turn: ChatTurnView;
  onCite: (citation: Citation) => void;
  onRetry: () => void;
  onCopy: () => void;
  onFeedback: (feedback: AnswerFeedback) => Promise<void>;
}) {
  const { turn, onCite, onRetry, onCopy, onFeedback } = props;
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber } = useLocale();
  const classes = useStyles();
  const byNumber = new Map(turn.citations.map(c => [c.n, c]));
  const chip = (citation: Citation) => (
    <Chip
      key={citation.n}
      size="small"
      clickable
      color="primary"
      variant="outlined"
      className={classes.chip}
      label={formatNumber(citation.n)}
      aria-label={t('chat.citation', {
        n: formatNumber(citation.n),
        title: citation.documentTitle,
      })}
      onClick={() => onCite(citation)}
    />
  );
  const streaming = turn.state === 'streaming';
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 8 }}>
      <Typography
        className={classes.question}
        dir="auto"
        aria-label={t('chat.you')}
      >
        {turn.question}
      </Typography>
      <Paper variant="outlined" className={classes.answer}>
        <div
          dir="auto"
          aria-label={t('chat.answerLabel')}
          aria-busy={streaming}
          data-testid="docuchat-answer"
        >
          {turn.answer ? (
            <SafeMarkdown
              text={turn.answer}
              renderCitation={n => {
                const citation = byNumber.get(n);
                return citation ? chip(citation) : `[${formatNumber(n)}]`;
              }}
            />
          ) : (
            streaming && (
              <Typography className={classes.meta}>
                {t('chat.thinking')}
              </Typography>
            )
          )}
        </div>
        {turn.error && (
          <Typography
            role={turn.state === 'stopped' ? 'status' : 'alert'}
            color={turn.state === 'stopped' ? 'textSecondary' : 'error'}
            variant="body2"
          >
            {turn.error}
          </Typography>
        )}
        {turn.citations.length > 0 && (
          <Box mt={1} display="flex" flexWrap="wrap" alignItems="center">
            <Typography variant="caption" className={classes.meta}>
              {t('sources.title')}:
            </Typography>
            {turn.citations.map(c => (
              <Tooltip key={c.n} title={c.documentTitle}>
                {chip(c)}
              </Tooltip>
            ))}
          </Box>
        )}
        {!streaming && (
          <Box
            mt={1}
            display="flex"
            alignItems="center"
            flexWrap="wrap"
            style={{ gap: 8 }}
          >
            {turn.model && (
              <Typography variant="caption" className={classes.meta}>
                {t('chat.model', { model: turn.model })}
                {turn.fallbacks.length > 0 &&
                  ` ${t('chat.fallbacks', {
                    steps: turn.fallbacks
                      .map(f => `${f.from} → ${f.to} (${f.reason})`)
                      .join(', '),
                  })}`}
                {turn.cached && ` · ${t('chat.cached')}`}
              </Typography>
            )}
            <Box flexGrow={1} />
            {turn.answer && (
              <Tooltip title={t('chat.copy')}>
                <IconButton
                  size="small"
                  aria-label={t('chat.copy')}
                  onClick={onCopy}
                >
                  <FileCopyIcon fontSize="small" />
                </IconButton>
              </Tooltip>
            )}
            <Tooltip title={t('chat.retry')}>
              <IconButton
                size="small"
                aria-label={t('chat.retry')}
                onClick={onRetry}
              >
                <ReplayIcon fontSize="small" />
              </IconButton>
            </Tooltip>
            {turn.messageId && (
              <FeedbackButtons value={turn.feedback} onSend={onFeedback} />
            )}
          </Box>
        )}
      </Paper>
    </Box>
  );
}
