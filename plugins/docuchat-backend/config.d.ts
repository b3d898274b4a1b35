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
     * through the API (`POST /tenants`, admins only).
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
    }>;
    ingestion?: {
      /** Largest accepted upload in megabytes (413 above). Default 20. */
      maxUploadMegabytes?: number;
      /** Largest chunk in tokens (o200k). Default 400. */
      chunkTokens?: number;
      /** Tokens repeated between consecutive chunks. Default 60. */
      overlapTokens?: number;
    };
    retrieval?: {
      /** Weighted reciprocal rank fusion of the vector and BM25 branches. */
      fusion?: {
        /** RRF k. Default 10 (measured, see the backend README). */
        k?: number;
        /** Default 0.2: the local model is much weaker than BM25. */
        vectorWeight?: number;
        /** Default 1. */
        fullTextWeight?: number;
      };
    };
    /** Demo data for the embedded defaults (SQLite, local model). */
    demo?: {
      /** Seed two demo tenants and documents at start-up. Default false. */
      enabled?: boolean;
      /** Files to ingest, relative to the backend's working directory. */
      documents?: string[];
      /** Owner of the demo tenants. Default group:default/platform. */
      ownerRef?: string;
    };
  };
}
