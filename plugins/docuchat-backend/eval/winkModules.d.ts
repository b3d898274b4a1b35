// Types for the parts of the wink packages the BM25 baseline uses; neither
// package ships its own.

declare module 'wink-bm25-text-search' {
  type PrepTask = (input: any) => any;
  interface Bm25Engine {
    defineConfig(config: {
      fldWeights: Record<string, number>;
      bm25Params?: { k1?: number; b?: number; k?: number };
    }): boolean;
    definePrepTasks(tasks: PrepTask[], field?: string): number;
    addDoc(doc: Record<string, string>, uniqueId: string | number): number;
    consolidate(fp?: number): void;
    /** [uniqueId, score] pairs, best first; `limit` defaults to 10. */
    search(text: string, limit?: number): Array<[string, number]>;
  }
  function bm25(): Bm25Engine;
  export = bm25;
}

declare module 'wink-nlp-utils' {
  const nlp: {
    string: {
      lowerCase(text: string): string;
      tokenize0(text: string): string[];
    };
    tokens: {
      removeWords(tokens: string[]): string[];
      stem(tokens: string[]): string[];
    };
  };
  export = nlp;
}
