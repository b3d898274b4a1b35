import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the DocuChat backend plugin. */
  docuchat?: {
    /**
     * Connection to OpenAI or any OpenAI-compatible server (vLLM, Ollama,
     * LiteLLM). Without an apiKey DocuChat runs on its local model.
     */
    openai?: {
      /**
       * API key, sent as a bearer token. For a server without
       * authentication set any non-empty value.
       * @visibility secret
       */
      apiKey?: string;
      /**
       * Base URL of the API, including the version path.
       * Default: https://api.openai.com/v1
       */
      baseURL?: string;
    };

    /** How documents and questions are turned into vectors. */
    embeddings?: {
      /**
       * 'openai' (through docuchat.openai) or 'local' (Universal Sentence
       * Encoder lite, 512-d, in process, no network). Default: 'openai' when
       * docuchat.openai.apiKey is set, else 'local'. Changing provider,
       * model or dimensions re-embeds every document.
       */
      provider?: 'openai' | 'local';
      /**
       * Embedding model. 'openai': default 'text-embedding-3-small'; other
       * known models 'text-embedding-3-large', 'text-embedding-ada-002';
       * any other name needs `dimensions`. 'local': only 'use-lite'.
       */
      model?: string;
      /**
       * Vector size. 'openai': sent to the API as `dimensions` when set
       * (v3 models only, at most the native 1536 / 3072); unset means the
       * model's native size. 'local': 512 or unset.
       */
      dimensions?: number;
      /**
       * Most texts per request (openai, default 96) or per model call
       * (local, default 8).
       */
      batchSize?: number;
      /** Time limit of one attempt of one request, in ms (openai only). Default 30000. */
      timeoutMs?: number;
      /**
       * Retries after a 429, a 5xx, a timeout or a lost connection, with
       * exponential backoff and the server's retry-after (openai only).
       * Default 3.
       */
      maxRetries?: number;
    };

    /**
     * Tenants created or updated at start-up. Tenants can also be managed
     * through the API (`POST /tenants`, with docuchat.tenant.create).
     */
    tenants?: Array<{
      /** Slug: lowercase letters, digits and dashes. */
      id: string;
      displayName: string;
      contactEmail?: string;
      /** Iranian mobile number, 09xxxxxxxxx. */
      mobile?: string;
      /** Entity ref whose members may use the tenant, e.g. group:default/acme. */
      ownerRef: string;
      /** Price plan name (prices per model arrive with billing). */
      pricePlan?: string;
      /** Most tokens per billing day; overrides limits.dailyTokenBudget. */
      dailyTokenBudget?: number;
    }>;
    /**
     * Who may do what, read by DocuChat's permission policy
     * (@docuchat/backstage-plugin-permission-backend-module-docuchat: its
     * module, or `decideDocuchatPermission` in a portal's own policy).
     */
    permissions?: {
      /**
       * Entity ref of the operators group, e.g. group:default/platform. Its
       * members may do every docuchat.* permission and run DocuChat's
       * runbook actions. Unset: nobody is an operator.
       */
      operatorsGroup?: string;
    };
    /**
     * Service principals DocuChat admits when they call without a user (no
     * `onBehalfOf`). The permission framework allows every service
     * principal, so anything not listed here is refused (404/403). Calls
     * made on behalf of a user are decided on that user instead.
     */
    serviceAccess?: Array<{
      /**
       * The principal's subject: `plugin:<pluginId>` for another backend
       * plugin, or the `subject` of a static token in
       * backend.auth.externalAccess.
       */
      subject: string;
      /** DocuChat permission names, e.g. docuchat.tenant.read. */
      permissions: string[];
      /** Tenant ids the tenant-scoped permissions reach; unset: every tenant. */
      tenants?: string[];
    }>;
    /**
     * Limits per request and per tenant; over them the API answers 413 or
     * 429 with a Retry-After header. Counted in the database, so they hold
     * across backend replicas.
     */
    limits?: {
      /**
       * Largest JSON body of every route except document uploads (those
       * follow ingestion.maxUploadMegabytes), in KiB. Default 64.
       */
      maxBodyKilobytes?: number;
      /** Questions per tenant per minute; 0 turns the limit off. Default 60. */
      asksPerTenantPerMinute?: number;
      /**
       * Tokens a tenant may use per billing day (every usage ledger row of
       * the day: chat, embeddings, ingestion). Unset: no budget. Operators
       * override it per tenant (PATCH /tenants/:tenantId dailyTokenBudget).
       */
      dailyTokenBudget?: number;
    };
    ingestion?: {
      /** Largest accepted upload in megabytes (413 above). Default 20. */
      maxUploadMegabytes?: number;
      /** Largest chunk in tokens (o200k). Default 400. */
      chunkTokens?: number;
      /** Tokens repeated between consecutive chunks. Default 60. */
      overlapTokens?: number;
      /**
       * A replica's claim on a document it ingests lasts this long after its
       * last renewal (renewed every third of it); a replica that died loses
       * its documents to the others after this. Default 60.
       */
      leaseSeconds?: number;
      /** Claims of one document before it ends failed. Default 3. */
      maxAttempts?: number;
      /** Batches of documents one replica ingests at once. Default 1. */
      concurrency?: number;
      /**
       * Small documents of one tenant are ingested together: claimed
       * together, embedded in shared calls, stored in one transaction, each
       * still billed, ready or failed on its own.
       */
      batch?: {
        /** Documents in one batch. Default 32. */
        maxDocuments?: number;
        /**
         * Tokens in one batch (estimated from the documents' sizes) and in
         * one embedding call; at least chunkTokens. Default 16384.
         */
        maxTokens?: number;
        /**
         * How long a batch that is not full waits for documents still being
         * uploaded, in milliseconds; 0 does not wait. Default 20.
         */
        waitMilliseconds?: number;
      };
      /** How often each replica looks for queued or abandoned documents. Default 10. */
      pollSeconds?: number;
      /**
       * Worker threads that parse and chunk uploads, per replica (parsing
       * never runs on the event loop the backend's plugins share). Default:
       * one per core but one, at least 1 and at most 4. A replica parses at
       * most `concurrency` documents at once: raise both to parse more.
       */
      parserWorkers?: number;
      /**
       * What one document may cost to parse. A document over a limit ends
       * `failed` with a reason that names the limit and its key here.
       */
      limits?: {
        /** Pages of a PDF, checked before its pages are read. Default 2000. */
        maxPdfPages?: number;
        /**
         * Megabytes all parts of a DOCX may inflate to together, counted
         * while inflating (declared sizes are not trusted). Default 100.
         */
        maxInflatedMegabytes?: number;
        /**
         * Elements nested inside each other: HTML elements, a DOCX's XML,
         * Markdown block quotes, lists and emphasis. Default 256.
         */
        maxNestingDepth?: number;
        /**
         * Characters in a row without a space or line break in a document's
         * text (tokenizing such a run costs the square of its length).
         * Default 10000.
         */
        maxRunCharacters?: number;
        /** Chunks one document may make. Default 5000. */
        maxChunksPerDocument?: number;
        /**
         * Wall-clock seconds to parse and chunk one document; then its
         * worker is stopped and replaced. Default 60.
         */
        parseTimeoutSeconds?: number;
        /** Heap of each parser worker, in megabytes. Default 512. */
        parserHeapMegabytes?: number;
      };
    };
    /** What a replica does when it is told to stop (SIGTERM). */
    shutdown?: {
      /**
       * Running answers and ingestion get this long to finish; then they are
       * cut (ledger row settled as estimated) or released to another
       * replica. Keep it below the pod's terminationGracePeriodSeconds.
       * Default 20.
       */
      graceSeconds?: number;
    };
    /** The usage ledger's crash safety. */
    usage?: {
      /**
       * A ledger row still pending this long after its model call started
       * belongs to a replica that died: the sweep settles it as estimated.
       * Longer than any answer can stream. Default 900.
       */
      abandonedCallSeconds?: number;
      /** How often the sweep runs (one replica at a time). Default 60. */
      sweepSeconds?: number;
    };
    /** Retrieval: the full-text branch and the fusion of the branches. */
    search?: {
      /**
       * Pseudo-relevance feedback (RM3) in the full-text branch: the first
       * pass's best chunks expand the question, and BM25 runs again.
       * Defaults are the literature's (Anserini), not tuned.
       */
      feedback?: {
        /** Default true. */
        enabled?: boolean;
        /** Feedback chunks taken from the first pass. Default 10. */
        documents?: number;
        /** Expansion terms kept. Default 10. */
        terms?: number;
        /** The question's share of the expanded query, 0-1. Default 0.5. */
        originalQueryWeight?: number;
        /**
         * With fewer first-pass hits than this, the first pass is the
         * answer. Default 10.
         */
        minHits?: number;
      };
      /**
       * Weighted reciprocal rank fusion of the vector and full-text
       * branches. Each branch's weight is the square of its measured
       * nDCG@10 (see the backend README, "How retrieval works").
       */
      fusion?: {
        /** RRF k. Default 10. */
        k?: number;
        /**
         * nDCG@10 of each branch on your judged questions (`yarn
         * eval:retrieval`). Default: as measured here for the local model;
         * equal for other embedders.
         */
        branchQuality?: {
          vector: number;
          fullText: number;
        };
      };
    };
    /**
     * Token prices for usage reports and billing, in integer Rials per 1,000
     * tokens (1 Toman = 10 Rials). A model's price is the first that applies:
     * its entry in `models`, then `localRialsPer1kTokens` for `local:` models,
     * then `defaultRialsPer1kTokens`.
     */
    pricing?: {
      /**
       * Price of prompt and completion tokens of any model not listed in
       * `models`. Default 200 (20 Tomans per 1,000 tokens).
       */
      defaultRialsPer1kTokens?: number;
      /**
       * Price of models that run in process (ids starting with `local:`, such
       * as `local:extractive` and `local:use-lite:512`). Default 0: no
       * provider bills them.
       */
      localRialsPer1kTokens?: number;
      /**
       * Prices per model. A list rather than a map because model names such
       * as `gpt-4.1-mini` or `Qwen/Qwen2.5-7B` are not valid config keys.
       */
      models?: Array<{
        /**
         * Model id as recorded in the usage ledger, e.g. `openai:gpt-4o-mini`.
         * An id also prices its variants after a further `:`, so
         * `openai:text-embedding-3-small` covers
         * `openai:text-embedding-3-small:1536`; the longest match wins.
         */
        model: string;
        /** Integer Rials per 1,000 prompt (input) tokens. */
        promptRialsPer1kTokens: number;
        /** Integer Rials per 1,000 completion (output) tokens. */
        completionRialsPer1kTokens: number;
      }>;
    };
    /**
     * Prometheus metrics at `GET /api/docuchat/metrics`. Off unless one of
     * the two is set; setting both is an error.
     */
    metrics?: {
      /**
       * Serve the metrics to anyone who can reach the backend, without
       * credentials. Default false.
       */
      public?: boolean;
      /**
       * Static token scrapers send as `Authorization: Bearer <token>`; at
       * least 16 characters, no whitespace.
       * @visibility secret
       */
      bearerToken?: string;
    };
    /** How questions are answered (`POST /tenants/:tenantId/ask`). */
    ask?: {
      /** Chunks retrieved per question when the request does not say. Default 6. */
      k?: number;
      /**
       * Least cosine similarity for a chunk found only by the vector branch
       * to be shown to the model. Chunks that match the question's words
       * always count. Default 0.35.
       */
      minVectorSimilarity?: number;
      /** Earlier messages of a conversation put in the prompt. Default 6. */
      historyMessages?: number;
    };
    /**
     * The chat model fallback chain. Models are tried in order; when one
     * fails before its first token (timeout, 429, 5xx, connection, content
     * filter) the next answers, and the local extractive answerer ends the
     * chain. Default: `gpt-4o-mini` when docuchat.openai.apiKey is set,
     * else the extractive answerer alone.
     */
    chat?: {
      models?: Array<{
        /** Model name at the server, e.g. gpt-4o-mini. */
        model: string;
        /** Default docuchat.openai.baseURL. */
        baseURL?: string;
        /**
         * Default docuchat.openai.apiKey.
         * @visibility secret
         */
        apiKey?: string;
        /** Limit for the whole answer in ms. Default 120000. */
        timeoutMs?: number;
        /** Limit until the first token in ms. Default 15000. */
        firstTokenTimeoutMs?: number;
      }>;
    };
    /** Caches on Backstage's cache service (where: backend.cache). */
    cache?: {
      /** Whole answers to questions without history. */
      answers?: {
        /** Seconds an answer is kept; 0 disables. Default 3600. */
        ttlSeconds?: number;
      };
      /** Query vectors, shared by all tenants. */
      queryEmbeddings?: {
        /** Seconds a query vector is kept; 0 disables. Default 86400. */
        ttlSeconds?: number;
      };
    };
    /**
     * Daily billing: the settled, billable usage of each billing day is
     * priced (docuchat.pricing) into one invoice per tenant, with a Zibal
     * payment link and an email. See the README's "Billing" section.
     */
    billing?: {
      /** Run the daily task (and bill the demo's history). Default true. */
      enabled?: boolean;
      /**
       * IANA time zone of the billing day. Default Asia/Tehran (a Tehran day
       * starts at 20:30 UTC the day before).
       */
      timezone?: string;
      schedule?: {
        /**
         * Cron of the daily run, in the process's time zone: UTC in the
         * container. Default `30 23 * * *` (03:00 in Tehran), which bills
         * the previous Tehran day once it ended settleDelayMinutes ago.
         */
        cron?: string;
      };
      /**
       * Minutes after a billing day ends before it may be billed, so calls
       * running at midnight settle first. Keep the cron at least this long
       * after the day's end. Default 60.
       */
      settleDelayMinutes?: number;
      /**
       * First billable day (YYYY-MM-DD). Default: the day the billing
       * migration ran, so installing billing does not invoice all history.
       */
      startDate?: string;
      /** Days a payment link is offered before a fresh one is made. Default 7. */
      linkTtlDays?: number;
      /** Days an unpaid invoice stays payable before it expires and is carried. Default 30. */
      expireAfterDays?: number;
      zibal?: {
        /** Default https://gateway.zibal.ir */
        baseUrl?: string;
        /**
         * Merchant key; `zibal` is Zibal's sandbox merchant. Default `zibal`.
         * @visibility secret
         */
        merchant?: string;
        /** Per request to Zibal, in ms. Default 10000. */
        timeoutMs?: number;
      };
      email?: {
        /** Sender of invoice emails, e.g. `DocuChat <billing@example.com>`. */
        from?: string;
        /** Without a host, invoice emails are only logged (development). */
        smtp?: {
          host?: string;
          /**
           * Default 587. A string too, for `${DOCUCHAT_SMTP_PORT}`
           * substitutions (read as a number).
           */
          port?: number | string;
          /** TLS from the start (port 465). Default false (STARTTLS when offered). */
          secure?: boolean;
          user?: string;
          /** @visibility secret */
          password?: string;
        };
      };
      prometheus?: {
        /**
         * Prometheus base URL. When set, each run compares every billed
         * day's tokens per tenant with `openai_tokens_total` and records the
         * drift; billing never reads from it.
         */
        url?: string;
        /** Default 10000. */
        timeoutMs?: number;
      };
    };
    /** Tenants' sources: TechDocs and catalog entities kept in sync. */
    sources?: {
      /**
       * When every source syncs, on one replica at a time. Default: every
       * hour, 5 minutes after start-up, 30 minutes at most.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    /** Demo data for the embedded defaults (SQLite, local model). */
    demo?: {
      /** Seed two demo tenants and documents at start-up. Default false. */
      enabled?: boolean;
      /** Files to ingest, relative to the backend's working directory. */
      documents?: string[];
      /** Owner of the demo tenants. Default group:default/platform. */
      ownerRef?: string;
      /**
       * The `ops` tenant: the DocuChat system's TechDocs (the Persian
       * runbooks and DevOps guide) and its catalog entities as sources.
       */
      opsTenant?: {
        /** Default true (with demo.enabled). */
        enabled?: boolean;
        /** Catalog filter of the TechDocs source. Default kind=system,metadata.name=docuchat. */
        techdocs?: string;
        /** Catalog filter of the catalog source. Default spec.system=docuchat. */
        catalog?: string;
        /**
         * Markdown files (recursively) uploaded to `ops` instead of the
         * TechDocs source when `mkdocs` is not installed.
         */
        fallbackDirectory?: string;
      };
    };
  };
}
