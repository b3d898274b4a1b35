import { EmptyState, LinkButton } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  AnswerFeedback,
  Citation,
  ConversationDetail,
} from '@docuchat/backstage-plugin-docuchat-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { ConversationList } from '../Conversations/ConversationList';
import { describeError } from '../common/describeError';
import { AnswerCard } from './AnswerCard';
import { Composer } from './Composer';
import { SourcesPanel } from './SourcesPanel';
import { ChatTurnView } from './types';

/** Turns of a stored conversation: each question with the answer after it. */
function turnsOf(detail: ConversationDetail): ChatTurnView[] {
  const turns: ChatTurnView[] = [];
  detail.messages.forEach((m, i) => {
    if (m.role !== 'assistant') return;
    const question = detail.messages[i - 1];
    turns.push({
      key: m.id,
      question: question?.role === 'user' ? question.content : '',
      answer: m.content,
      citations: m.citations ?? [],
      model: m.model,
      fallbacks: [],
      messageId: m.id,
      feedback: m.feedback,
      state: 'done',
    });
  });
  return turns;
}

/**
 * The chat of one tenant: conversations beside it, the answer streaming in,
 * the cited passages in a sources panel.
 */
export function ChatView(props: {
  tenantId: string;
  hasDocuments: boolean;
  documentsLink: string;
}) {
  const { tenantId, hasDocuments, documentsLink } = props;
  const api = useApi(docuchatApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const [question, setQuestion] = useState('');
  const [turns, setTurns] = useState<ChatTurnView[]>([]);
  const [conversationId, setConversationId] = useState<string>();
  const [citation, setCitation] = useState<Citation>();
  const [refreshKey, setRefreshKey] = useState(0);
  const [loadError, setLoadError] = useState<string>();
  const abortRef = useRef<AbortController>();
  const scrollRef = useRef<HTMLDivElement>(null);
  const followRef = useRef(true);
  const busy = turns.some(turn => turn.state === 'streaming');

  // Leaving the page (or the tenant) stops the answer.
  useEffect(() => () => abortRef.current?.abort(), [tenantId]);
  useEffect(() => {
    setTurns([]);
    setConversationId(undefined);
    setCitation(undefined);
  }, [tenantId]);

  // Follow the answer while the reader stays at the bottom.
  useEffect(() => {
    const el = scrollRef.current;
    if (el && followRef.current) el.scrollTop = el.scrollHeight;
  }, [turns]);
  const onScroll = () => {
    const el = scrollRef.current;
    if (el) {
      followRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    }
  };

  const update = (key: string, change: Partial<ChatTurnView>) =>
    setTurns(old =>
      old.map(turn => (turn.key === key ? { ...turn, ...change } : turn)),
    );
  const append = (key: string, text: string) =>
    setTurns(old =>
      old.map(turn =>
        turn.key === key ? { ...turn, answer: turn.answer + text } : turn,
      ),
    );

  const ask = useCallback(
    async (text: string) => {
      const key = `turn-${Date.now()}`;
      const controller = new AbortController();
      abortRef.current = controller;
      followRef.current = true;
      setTurns(old => [
        ...old,
        {
          key,
          question: text,
          answer: '',
          citations: [],
          fallbacks: [],
          state: 'streaming',
        },
      ]);
      setQuestion('');
      let finished = false;
      let storedIn = conversationId;
      try {
        for await (const event of api.ask({
          tenantId,
          question: text,
          conversationId,
          signal: controller.signal,
        })) {
          if (event.event === 'citations') {
            update(key, { citations: event.data.citations });
          } else if (event.event === 'meta') {
            update(key, {
              model: event.data.model,
              fallbacks: event.data.fallbacks,
            });
            storedIn = event.data.conversationId ?? storedIn;
          } else if (event.event === 'token') {
            append(key, event.data.text);
          } else if (event.event === 'done') {
            finished = true;
            storedIn = event.data.conversationId ?? storedIn;
            update(key, {
              state: 'done',
              answer: event.data.answer,
              citations: event.data.citations,
              model: event.data.model,
              fallbacks: event.data.fallbacks,
              cached: event.data.cached,
            });
          } else if (event.event === 'error') {
            finished = true;
            update(key, { state: 'error', error: event.data.message });
          }
        }
        if (!finished) {
          update(key, { state: 'error', error: t('errors.streamBroken') });
        }
      } catch (e) {
        if (controller.signal.aborted) {
          // Stopped: the question goes back in the box to edit or resend.
          setQuestion(text);
          update(key, { state: 'stopped', error: t('chat.stopped') });
        } else {
          update(key, { state: 'error', error: describeError(e, t) });
        }
      }
      if (storedIn) {
        setConversationId(storedIn);
        setRefreshKey(k => k + 1);
        // The stored answer's id, which feedback needs.
        try {
          const detail = await api.getConversation(tenantId, storedIn);
          const last = [...detail.messages]
            .reverse()
            .find(m => m.role === 'assistant');
          if (last && finished) update(key, { messageId: last.id });
        } catch {
          // Feedback stays unavailable for this answer; the chat goes on.
        }
      }
    },
    [api, tenantId, conversationId, t],
  );

  const open = async (id: string) => {
    abortRef.current?.abort();
    try {
      const detail = await api.getConversation(tenantId, id);
      setConversationId(id);
      setTurns(turnsOf(detail));
      setCitation(undefined);
      setLoadError(undefined);
    } catch (e) {
      setLoadError(describeError(e, t));
    }
  };
  const startNew = () => {
    abortRef.current?.abort();
    setConversationId(undefined);
    setTurns([]);
    setCitation(undefined);
  };
  const feedback = async (turn: ChatTurnView, value: AnswerFeedback) => {
    if (!conversationId || !turn.messageId) return;
    try {
      const stored = await api.sendFeedback(
        tenantId,
        conversationId,
        turn.messageId,
        value,
      );
      update(turn.key, { feedback: stored });
      alertApi.post({ message: t('feedback.thanks'), display: 'transient' });
    } catch (e) {
      alertApi.post({ message: describeError(e, t), severity: 'error' });
    }
  };
  const copy = async (turn: ChatTurnView) => {
    await window.navigator.clipboard?.writeText(turn.answer);
    alertApi.post({ message: t('chat.copied'), display: 'transient' });
  };

  if (!hasDocuments) {
    return (
      <EmptyState
        missing="content"
        title={t('chat.emptyTenant')}
        description={t('chat.emptyTenantHint')}
        action={
          <LinkButton to={documentsLink} variant="contained" color="primary">
            {t('chat.goToDocuments')}
          </LinkButton>
        }
      />
    );
  }

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3}>
        <ConversationList
          tenantId={tenantId}
          selectedId={conversationId}
          refreshKey={refreshKey}
          onOpen={open}
          onNew={startNew}
          onDeleted={id => id === conversationId && startNew()}
        />
      </Grid>
      <Grid item xs={12} md={citation ? 5 : 6}>
        <Box display="flex" flexDirection="column" height="70vh">
          <div
            ref={scrollRef}
            onScroll={onScroll}
            aria-live="polite"
            aria-relevant="additions text"
            role="log"
            style={{
              flexGrow: 1,
              overflow: 'auto',
              display: 'flex',
              flexDirection: 'column',
              gap: 16,
              paddingInlineEnd: 8,
            }}
          >
            {loadError && (
              <Typography color="error" role="alert">
                {loadError}
              </Typography>
            )}
            {turns.length === 0 && (
              <Typography color="textSecondary">
                {t('chat.welcome', { tenant: tenantId })}
              </Typography>
            )}
            {turns.map(turn => (
              <AnswerCard
                key={turn.key}
                turn={turn}
                onCite={setCitation}
                onRetry={() => ask(turn.question)}
                onCopy={() => copy(turn)}
                onFeedback={value => feedback(turn, value)}
              />
            ))}
          </div>
          <Box mt={2}>
            <Composer
              value={question}
              onChange={setQuestion}
              onSend={() => ask(question.trim())}
              onStop={() => abortRef.current?.abort()}
              busy={busy}
            />
          </Box>
        </Box>
      </Grid>
      <Grid item xs={12} md={citation ? 4 : 3}>
        <SourcesPanel
          tenantId={tenantId}
          citation={citation}
          onClose={() => setCitation(undefined)}
        />
      </Grid>
    </Grid>
  );
}
