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
import { WriteBatch } from './WriteBatch';

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

/** Two turns of one conversation took the same ordinals at once. */
function isOrdinalConflict(error: unknown): boolean {
  const e = error as { constraint?: string; message?: string };
  return (
    isUniqueViolation(error) &&
    (e?.constraint === 'docuchat_conversation_messages_order_uq' ||
      /docuchat_conversation_messages\.ordinal/.test(e?.message ?? ''))
  );
}

/** Tries of a turn that lost its ordinals to a concurrent one. */
const APPEND_ATTEMPTS = 10;

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

/** A message about to be stored, but for its place in the conversation. */
interface MessageDraft {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  citations: string | null;
  model: string | null;
  request_id: string | null;
}

/** A turn's two messages as rows, validated. */
function turnMessages(turn: ConversationTurn): MessageDraft[] {
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
  return [
    {
      id: randomUUID(),
      role: 'user',
      content: question,
      citations: null,
      model: null,
      request_id: null,
    },
    {
      id: randomUUID(),
      role: 'assistant',
      content: turn.answer,
      citations: turn.citations ? JSON.stringify(turn.citations) : null,
      model,
      request_id: requestId,
    },
  ];
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

  async createWithTurn(
    owner: ConversationOwner,
    turn: ConversationTurn,
    options: { id?: string; batch?: WriteBatch } = {},
  ): Promise<ConversationSummary> {
    const { tenantId, userRef } = requireOwner(owner);
    const messages = turnMessages(turn);
    const now = this.#now();
    const row: ConversationRow = {
      id: normalizeId(options.id ?? randomUUID()) ?? '',
      tenant_id: tenantId,
      user_ref: userRef,
      title: toTitle(turn.question),
      created_at: this.#toDbTime(now),
      updated_at: this.#toDbTime(now),
    };
    if (!row.id) throw new InputError('id must be a UUID');
    try {
      await WriteBatch.addOrRun(
        this.#db,
        options.batch,
        [
          this.#db(CONVERSATIONS).insert(row).returning('id'),
          this.#db(MESSAGES)
            .insert(
              messages.map((message, ordinal) => ({
                ...message,
                conversation_id: row.id,
                ordinal,
                created_at: row.created_at,
              })),
            )
            .returning('id'),
        ],
        () => undefined,
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new NotFoundError(`Tenant ${tenantId} not found`);
      }
      throw error;
    }
    return toSummary({ ...row, created_at: now, updated_at: now }, 2);
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
    batch?: WriteBatch,
  ): Promise<boolean> {
    const { tenantId, userRef } = requireOwner(owner);
    const messages = turnMessages(turn);
    const conversationId = normalizeId(id);
    if (!conversationId) return false;
    const append = (into?: WriteBatch) => {
      const now = this.#toDbTime(this.#now());
      const owned = {
        id: conversationId,
        tenant_id: tenantId,
        user_ref: userRef,
      };
      return WriteBatch.addOrRun(
        this.#db,
        into,
        [
          this.#db(CONVERSATIONS)
            .where(owned)
            .update({ updated_at: now })
            .returning('id'),
          this.#insertTurn(owned, messages, now),
        ],
        ([updated]) => updated.length > 0,
      );
    };

    try {
      if (batch) return await append(batch);
      for (let attempt = 1; ; attempt++) {
        try {
          return await append();
        } catch (error) {
          if (!isOrdinalConflict(error) || attempt >= APPEND_ATTEMPTS) {
            throw error;
          }
        }
      }
    } catch (error) {
      if (isUniqueViolation(error) && !isOrdinalConflict(error)) {
        throw new ConflictError(
          `Request ${messages[1].request_id} is already part of conversation ${conversationId}`,
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
    const { tenantId, userRef } = requireOwner(owner);
    const conversationId = normalizeId(id);
    if (!conversationId) return undefined;
    // One statement: a marker row when the conversation is the owner's,
    // then its latest messages (none when it is not).
    const owned = `SELECT id FROM ${CONVERSATIONS}
       WHERE id = ? AND tenant_id = ? AND user_ref = ?`;
    const result = await this.#db.raw(
      `SELECT NULL AS role, NULL AS content, -1 AS ordinal FROM (${owned}) AS c
       UNION ALL
       SELECT role, content, ordinal FROM (
         SELECT m.role, m.content, m.ordinal
         FROM ${MESSAGES} m JOIN (${owned}) AS c ON c.id = m.conversation_id
         ORDER BY m.ordinal DESC
         LIMIT ?) AS latest`,
      [
        conversationId,
        tenantId,
        userRef,
        conversationId,
        tenantId,
        userRef,
        maxTurns,
      ],
    );
    const rows: Array<{
      role: string | null;
      content: string | null;
      ordinal: number;
    }> = this.#dialect === 'pg' ? result.rows : result;
    if (rows.length === 0) return undefined;
    return rows
      .filter(row => Number(row.ordinal) >= 0)
      .sort((a, b) => Number(a.ordinal) - Number(b.ordinal))
      .map(row => ({
        role: row.role as ChatTurn['role'],
        content: row.content as string,
      }));
  }

  /**
   * Inserts the turn's messages after the conversation's last ones, if it
   * is the owner's. The next ordinals and the ownership are read by the
   * insert itself, so it joins a write batch; a turn appended at the same
   * moment takes the same ordinals and fails on their unique index (the
   * caller tries again).
   */
  #insertTurn(
    owned: { id: string; tenant_id: string; user_ref: string },
    messages: MessageDraft[],
    now: Date | number,
  ): Knex.Raw {
    // PostgreSQL types the selected parameters itself only as text.
    const pg = this.#dialect === 'pg';
    const as = (type: string) => (pg ? `CAST(? AS ${type})` : '?');
    const message = `SELECT ${as('uuid')} AS id, ${as('integer')} AS step, ${as(
      'text',
    )} AS role, ${as('text')} AS content, ${as('text')} AS citations, ${as(
      'text',
    )} AS model, ${as('text')} AS request_id, ${as(
      'timestamptz',
    )} AS created_at`;
    return this.#db.raw(
      `INSERT INTO ${MESSAGES}
         (id, conversation_id, ordinal, role, content, citations, model,
          request_id, created_at)
       SELECT m.id, c.id,
              coalesce((SELECT max(ordinal) FROM ${MESSAGES}
                        WHERE conversation_id = c.id), -1) + m.step,
              m.role, m.content, m.citations, m.model, m.request_id,
              m.created_at
       FROM ${CONVERSATIONS} c
       CROSS JOIN (${message} UNION ALL ${message}) AS m
       WHERE c.id = ? AND c.tenant_id = ? AND c.user_ref = ?
       RETURNING id`,
      [
        ...messages.flatMap((m, i) => [
          m.id,
          i + 1,
          m.role,
          m.content,
          m.citations,
          m.model,
          m.request_id,
          now,
        ]),
        owned.id,
        owned.tenant_id,
        owned.user_ref,
      ],
    );
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
