import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  AnswerFeedback,
  ChatTurn,
  Citation,
  ConversationDetail,
  ConversationMessage,
  ConversationSummary,
} from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ConversationListOptions,
  ConversationOwner,
  ConversationStore,
  ConversationTurn,
} from './ConversationStore';
import {
  DbTime,
  Dialect,
  dialectOf,
  fromDbTime,
  isForeignKeyViolation,
  toDbTime,
} from './dialect';
import {
  MAX_STRING,
  MAX_TENANT_ID,
  optionalString,
  requireString,
  StringRule,
} from './stringInput';

const CONVERSATIONS = 'docuchat_conversations';
const MESSAGES = 'docuchat_conversation_messages';
/** Long enough to recognise a question in a list, short enough for one line. */
const MAX_TITLE = 80;
const MAX_LIST_LIMIT = 100;
/** Far beyond any prompt's history; only guards against absurd reads. */
const MAX_RECENT_TURNS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ConversationRow {
  id: string;
  tenant_id: string;
  user_ref: string;
  title: string;
  created_at: DbTime;
  updated_at: DbTime;
  message_count?: number | string;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  ordinal: number;
  role: 'user' | 'assistant';
  content: string;
  citations: string | null;
  model: string | null;
  request_id: string | null;
  created_at: DbTime;
  feedback_rating?: string | null;
  feedback_reason?: string | null;
}

/** Owners, questions and ids made only of whitespace are as good as none. */
const NON_BLANK: StringRule = { rejectBlank: true };

function requireOwner(owner: ConversationOwner): ConversationOwner {
  return {
    tenantId: requireString(
      'tenantId',
      owner?.tenantId,
      MAX_TENANT_ID,
      NON_BLANK,
    ),
    userRef: requireString('userRef', owner?.userRef, MAX_STRING, NON_BLANK),
  };
}

function requireInteger(
  name: string,
  value: unknown,
  min: number,
  max: number,
) {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new InputError(
      `${name} must be an integer between ${min} and ${max}, got ${String(
        value,
      )}`,
    );
  }
  return value;
}

/** Longest feedback reason kept; the API allows 1000 characters. */
const MAX_FEEDBACK_REASON = 1000;

/** `%`, `_` and the escape character itself match literally in LIKE. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

function requireFeedback(feedback: AnswerFeedback): AnswerFeedback {
  if (feedback?.rating !== 'up' && feedback?.rating !== 'down') {
    throw new InputError(`rating must be 'up' or 'down'`);
  }
  const { reason } = feedback;
  if (reason !== undefined && typeof reason !== 'string') {
    throw new InputError('reason must be a string');
  }
  if (reason && reason.length > MAX_FEEDBACK_REASON) {
    throw new InputError(
      `reason must be at most ${MAX_FEEDBACK_REASON} characters`,
    );
  }
  // An empty reason is as good as none.
  return { rating: feedback.rating, reason: reason?.trim() || undefined };
}

/** Whitespace collapsed, cut at a code point boundary with an ellipsis. */
function toTitle(text: unknown): string {
  if (typeof text !== 'string') {
    throw new InputError('title must be a string');
  }
  const collapsed = text.replace(/\s+/g, ' ').trim();
  if (!collapsed) throw new InputError('title must not be empty');
  const codePoints = Array.from(collapsed);
  return codePoints.length <= MAX_TITLE
    ? collapsed
    : `${codePoints
        .slice(0, MAX_TITLE - 1)
        .join('')
        .trimEnd()}…`;
}

/**
 * PostgreSQL rejects a malformed uuid with an error, SQLite just finds
 * nothing; both are "not found" here. Lower case, because SQLite compares the
 * text as stored.
 */
function normalizeId(id: unknown): string | undefined {
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL unique_violation
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

function toSummary(row: ConversationRow, messageCount: number) {
  const summary: ConversationSummary = {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
    messageCount,
  };
  return summary;
}

function toMessage(row: MessageRow): ConversationMessage {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    citations: row.citations
      ? (JSON.parse(row.citations) as Citation[])
      : undefined,
    model: row.model ?? undefined,
    requestId: row.request_id ?? undefined,
    feedback:
      row.feedback_rating === 'up' || row.feedback_rating === 'down'
        ? {
            rating: row.feedback_rating,
            reason: row.feedback_reason ?? undefined,
          }
        : undefined,
    createdAt: fromDbTime(row.created_at),
  };
}

/**
 * Conversations in the plugin's database.
 *
 * Every query filters on id, tenant and user together, so another user's or
 * tenant's conversation is indistinguishable from a missing one. Timestamps
 * are written by the store (see the migration): timestamptz on PostgreSQL,
 * integer epoch milliseconds on SQLite.
 */
export class DatabaseConversationStore implements ConversationStore {
  readonly #db: Knex;
  readonly #dialect: Dialect;
  readonly #now: () => Date;

  /** `now` is the clock; tests pass one to control ordering. */
  constructor(db: Knex, options?: { now?: () => Date }) {
    this.#db = db;
    this.#dialect = dialectOf(db, 'The conversation store');
    this.#now = options?.now ?? (() => new Date());
  }

  async create(
    owner: ConversationOwner,
    request: { title: string },
  ): Promise<ConversationSummary> {
    const { tenantId, userRef } = requireOwner(owner);
    const now = this.#now();
    const row: ConversationRow = {
      id: randomUUID(),
      tenant_id: tenantId,
      user_ref: userRef,
      title: toTitle(request?.title),
      created_at: this.#toDbTime(now),
      updated_at: this.#toDbTime(now),
    };
    try {
      await this.#db(CONVERSATIONS).insert(row);
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new NotFoundError(`Tenant ${tenantId} not found`);
      }
      throw error;
    }
    return toSummary({ ...row, created_at: now, updated_at: now }, 0);
  }

  async get(
    owner: ConversationOwner,
    id: string,
  ): Promise<ConversationDetail | undefined> {
    const row = await this.#find(owner, id);
    if (!row) return undefined;
    const messages = await this.#db<MessageRow>(MESSAGES)
      .where({ conversation_id: row.id })
      .orderBy('ordinal');
    return {
      ...toSummary(row, messages.length),
      messages: messages.map(toMessage),
    };
  }

  async list(
    owner: ConversationOwner,
    options: ConversationListOptions,
  ): Promise<ConversationSummary[]> {
    const { tenantId, userRef } = requireOwner(owner);
    const limit = requireInteger('limit', options?.limit, 1, MAX_LIST_LIMIT);
    const before = options?.before;
    if (
      before !== undefined &&
      (!(before instanceof Date) || Number.isNaN(before.getTime()))
    ) {
      throw new InputError('before must be a valid Date');
    }
    const query = this.#db(`${CONVERSATIONS} as c`)
      .select(
        'c.*',
        this.#db(MESSAGES)
          .count('*')
          .where('conversation_id', this.#db.ref('c.id'))
          .as('message_count'),
      )
      .where({ 'c.tenant_id': tenantId, 'c.user_ref': userRef })
      // id breaks ties, so pages never reorder between requests.
      .orderBy([
        { column: 'c.updated_at', order: 'desc' },
        { column: 'c.id', order: 'desc' },
      ])
      .limit(limit);
    if (before) query.where('c.updated_at', '<', this.#toDbTime(before));
    if (options?.q !== undefined && typeof options.q !== 'string') {
      throw new InputError('q must be a string');
    }
    const q = options?.q?.trim();
    if (q) {
      query.whereRaw(`lower(c.title) like ? escape '\\'`, [likePattern(q)]);
    }
    const rows = (await query) as ConversationRow[];
    return rows.map(row => toSummary(row, Number(row.message_count ?? 0)));
  }

  async appendTurn(
    owner: ConversationOwner,
    id: string,
    turn: ConversationTurn,
  ): Promise<boolean> {
    const { tenantId, userRef } = requireOwner(owner);
    const question = requireString(
      'question',
      turn?.question,
      Infinity,
      NON_BLANK,
    );
    if (typeof turn.answer !== 'string') {
      throw new InputError('answer must be a string');
    }
    if (turn.citations !== undefined && !Array.isArray(turn.citations)) {
      throw new InputError('citations must be an array');
    }
    const model = optionalString('model', turn.model, NON_BLANK);
    const requestId = optionalString('requestId', turn.requestId, NON_BLANK);
    const conversationId = normalizeId(id);
    if (!conversationId) return false;

    try {
      return await this.#db.transaction(async trx => {
        const now = this.#toDbTime(this.#now());
        // The UPDATE both proves ownership and, on PostgreSQL, locks the row,
        // so concurrent turns of one conversation get consecutive ordinals.
        const updated = await trx(CONVERSATIONS)
          .where({ id: conversationId, tenant_id: tenantId, user_ref: userRef })
          .update({ updated_at: now });
        if (!updated) return false;
        const [{ last }] = await trx(MESSAGES)
          .where({ conversation_id: conversationId })
          .max({ last: 'ordinal' });
        const next = last === null || last === undefined ? 0 : Number(last) + 1;
        await trx(MESSAGES).insert([
          {
            id: randomUUID(),
            conversation_id: conversationId,
            ordinal: next,
            role: 'user',
            content: question,
            citations: null,
            model: null,
            request_id: null,
            created_at: now,
          },
          {
            id: randomUUID(),
            conversation_id: conversationId,
            ordinal: next + 1,
            role: 'assistant',
            content: turn.answer,
            citations: turn.citations ? JSON.stringify(turn.citations) : null,
            model,
            request_id: requestId,
            created_at: now,
          },
        ]);
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(
          `Request ${requestId} is already part of conversation ${conversationId}`,
        );
      }
      throw error;
    }
  }

  async recentTurns(
    owner: ConversationOwner,
    id: string,
    maxTurns: number,
  ): Promise<ChatTurn[] | undefined> {
    requireInteger('maxTurns', maxTurns, 0, MAX_RECENT_TURNS);
    const row = await this.#find(owner, id);
    if (!row) return undefined;
    const latest = await this.#db<MessageRow>(MESSAGES)
      .select('role', 'content')
      .where({ conversation_id: row.id })
      .orderBy('ordinal', 'desc')
      .limit(maxTurns);
    return latest.reverse().map(m => ({ role: m.role, content: m.content }));
  }

  async rename(
    owner: ConversationOwner,
    id: string,
    title: string,
  ): Promise<ConversationSummary | undefined> {
    const { tenantId, userRef } = requireOwner(owner);
    const newTitle = toTitle(title);
    const conversationId = normalizeId(id);
    if (!conversationId) return undefined;
    const updated = await this.#db(CONVERSATIONS)
      .where({ id: conversationId, tenant_id: tenantId, user_ref: userRef })
      .update({ title: newTitle });
    if (!updated) return undefined;
    const detail = await this.get(owner, conversationId);
    if (!detail) return undefined;
    const { messages: _messages, ...summary } = detail;
    return summary;
  }

  async setFeedback(
    owner: ConversationOwner,
    id: string,
    messageId: string,
    feedback: AnswerFeedback,
  ): Promise<boolean> {
    const { rating, reason } = requireFeedback(feedback);
    const row = await this.#find(owner, id);
    const message = normalizeId(messageId);
    if (!row || !message) return false;
    const updated = await this.#db(MESSAGES)
      .where({ id: message, conversation_id: row.id, role: 'assistant' })
      .update({
        feedback_rating: rating,
        feedback_reason: reason ?? null,
        feedback_at: this.#toDbTime(this.#now()),
      });
    return updated > 0;
  }

  async delete(owner: ConversationOwner, id: string): Promise<boolean> {
    const { tenantId, userRef } = requireOwner(owner);
    const conversationId = normalizeId(id);
    if (!conversationId) return false;
    // Messages go by ON DELETE CASCADE, in the same statement.
    const deleted = await this.#db(CONVERSATIONS)
      .where({ id: conversationId, tenant_id: tenantId, user_ref: userRef })
      .delete();
    return deleted > 0;
  }

  async #find(
    owner: ConversationOwner,
    id: string,
  ): Promise<ConversationRow | undefined> {
    const { tenantId, userRef } = requireOwner(owner);
    const conversationId = normalizeId(id);
    if (!conversationId) return undefined;
    return this.#db<ConversationRow>(CONVERSATIONS)
      .where({ id: conversationId, tenant_id: tenantId, user_ref: userRef })
      .first();
  }

  #toDbTime(date: Date): Date | number {
    return toDbTime(this.#dialect, date);
  }
}
