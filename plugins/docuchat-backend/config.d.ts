export interface Config {
  /** Configuration of the DocuChat backend plugin. */
  docuchat?: {
    /**
     * Demo data for the embedded defaults (SQLite, local model).
     */
    demo?: {
      /** Seed demo tenants and documents at start-up. Default: false. */
      enabled?: boolean;
    };
  };
}
