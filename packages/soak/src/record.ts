/**
 * What one soak run recorded: the client side (every request through the
 * proxy, every ask and upload), the servers' side (every OpenAI call, every
 * Zibal payment), the processes and their last /metrics scrape, and the
 * database's rows at the end. The invariant checkers read only this, so each
 * can be tested on a recorded breach.
 *
 * Times are epoch milliseconds of this machine's clock (the backends and
 * PostgreSQL run on it too).
 */
export type Ms = number;

export type FaultKind =
  | 'sigkill'
  | 'rolling-restart'
  | 'postgres-stop'
  | 'redis-stop';

/** A fault as it happened: from its first action until the system was whole again. */
export interface FaultWindow {
  kind: FaultKind;
  detail: string;
  start: Ms;
  /** The replica answered ready again, PostgreSQL or Redis accepted connections. */
  end: Ms;
}

/** One backend process (a replica's generation). */
export interface ProcessRecord {
  /** `r<slot>.<generation>`, e.g. `r2.3`. */
  instance: string;
  slot: number;
  pid: number;
  startedAt: Ms;
  readyAt?: Ms;
  exitedAt?: Ms;
  /** How it ended: a signal of the soak, the end of the run, or on its own. */
  stoppedBy?: 'SIGKILL' | 'SIGTERM' | 'end' | 'crash';
  /** When the soak sent it that signal (SIGTERM: its drain began). */
  signalledAt?: Ms;
  exit?: { code: number | null; signal: string | null };
  /** Its last successful scrape of `openai_tokens_total`. */
  lastScrape?: { at: Ms; tokens: TokenCount[] };
  /** When a scrape of its `/metrics` failed (no answer, or not 200). */
  failedScrapes?: Ms[];
}

export interface TokenCount {
  tenant: string;
  model: string;
  direction: 'prompt' | 'completion';
  value: number;
}

export type OpenAiFault = 'none' | 'status-500' | 'status-429' | 'hang' | 'cut';

/** One HTTP request the OpenAI wire server received. */
export interface OpenAiCall {
  /** The backend process that sent it (its base URL names it). */
  instance: string;
  operation: 'chat' | 'embedding';
  /** The API model, e.g. `gpt-4o-mini`. */
  model: string;
  /** The ask it served (question embedding or answer), by its request id. */
  askRequestId?: string;
  /** The documents whose chunks it embedded, by their tags. */
  documentTags?: string[];
  fault: OpenAiFault;
  /** Of the request body: a retry of the same request has the same. */
  requestHash: string;
  /** The whole answer, usage included, was written and the response finished. */
  delivered: boolean;
  /** The usage the server reported (0 unless delivered). */
  promptTokens: number;
  completionTokens: number;
  start: Ms;
  end?: Ms;
}

/** A row of `docuchat_usage`. */
export interface LedgerRow {
  requestId: string;
  tenant: string;
  /** `openai:gpt-4o-mini`, `openai:text-embedding-3-small:64`, `local:…`. */
  model: string;
  operation: 'chat' | 'embedding';
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  status: 'pending' | 'settled';
  occurredAt: Ms;
  settledAt?: Ms;
  billable: boolean;
  documentId?: string;
  /** Written by the soak for past billing days, not by a model call. */
  seeded: boolean;
}

/** A row of `docuchat_documents`. */
export interface DocumentRow {
  id: string;
  tenant: string;
  title: string;
  status: string;
  error?: string;
  attempts: number;
}

/** One upload as the client made it (retried until it had an answer). */
export interface UploadRecord {
  /** Unique per upload: in the title and in every paragraph of the text. */
  tag: string;
  tenant: string;
  format: string;
  /** Why the file is bad, for files made to be refused. */
  bad?: string;
  /** The final HTTP status (0: no answer after every attempt). */
  status: number;
  attempts: number;
  documentId?: string;
  at: Ms;
}

/** One streamed question. */
export interface AskRecord {
  requestId: string;
  tenant: string;
  /** The process that answered it (the proxy's record). */
  instance?: string;
  start: Ms;
  firstTokenAt?: Ms;
  end: Ms;
  /** HTTP status (0: no answer). */
  status: number;
  outcome:
    | 'answered'
    | 'cancelled'
    | 'stream-error'
    | 'http-error'
    | 'transport-error';
  /** The client hung up on purpose after this many tokens. */
  cancelAfterTokens?: number;
  error?: string;
}

/** One response the proxy gave a client. */
export interface ProxiedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  start: Ms;
  end: Ms;
  /** 0 when the client hung up before an answer. */
  status: number;
  instance?: string;
  /** The client operation (header `x-soak-op`). */
  op?: string;
}

/** A request a client may repeat safely, with its retries. */
export interface RetriedOperation {
  kind: string;
  start: Ms;
  end: Ms;
  attempts: number;
  succeeded: boolean;
  /** Status of each attempt (0: no answer). */
  statuses: number[];
}

/** A row of `docuchat_invoices`. */
export interface InvoiceRow {
  id: string;
  tenant: string;
  period: string;
  status: string;
  amountRials: number;
  trackId?: string;
}

/** A row of `docuchat_invoice_lines`. */
export interface InvoiceLineRow {
  invoiceId: string;
  tenant: string;
  kind: string;
  usageDay?: string;
  model?: string;
  promptTokens: number;
  completionTokens: number;
}

/** A payment as the Zibal wire server holds it. */
export interface GatewayPayment {
  trackId: string;
  orderId?: string;
  amount: number;
  /** -1 awaiting, 1 paid and verified, 2 paid not verified, 3 cancelled. */
  status: number;
  verified: boolean;
}

/** What the payer (or an attacker) did to a payment. */
export interface PaymentAction {
  kind:
    | 'pay'
    | 'pay-wrong-amount'
    | 'forge-unpaid'
    | 'forge-unknown-track'
    | 'forge-other-order'
    | 'replay'
    | 'cancel';
  trackId: string;
  invoiceId?: string;
  at: Ms;
  /** HTTP status of the callback (303 expected). */
  status: number;
}

export interface SoakRecord {
  seed: number;
  minutes: number;
  /** Billing days are calendar days here. */
  timeZone: string;
  /** Rows pending this long are the sweep's (docuchat.usage.abandonedCallSeconds). */
  abandonedCallMs: number;
  load: { start: Ms; end: Ms };
  faults: FaultWindow[];
  processes: ProcessRecord[];
  openAiCalls: OpenAiCall[];
  ledger: LedgerRow[];
  documents: DocumentRow[];
  uploads: UploadRecord[];
  asks: AskRecord[];
  requests: ProxiedRequest[];
  retried: RetriedOperation[];
  invoices: InvoiceRow[];
  invoiceLines: InvoiceLineRow[];
  billedDays: Array<{ day: string; billedAt: Ms }>;
  payments: GatewayPayment[];
  paymentActions: PaymentAction[];
}
