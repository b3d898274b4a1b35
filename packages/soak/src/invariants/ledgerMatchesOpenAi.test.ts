import { healthyRun } from './__fixtures__/recordedRun';
import { checkLedgerMatchesOpenAi } from './ledgerMatchesOpenAi';

describe('checkLedgerMatchesOpenAi', () => {
  it('holds for answered calls recorded exactly, counting each model', () => {
    const result = checkLedgerMatchesOpenAi(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures).toContainEqual(
      expect.stringMatching(
        /^all: server answered 5 calls \(0 as its reader hung up\), 2,990 prompt \+ 72 completion tokens; ledger exact 2,990 \+ 72; estimated rows: 0 /,
      ),
    );
  });

  it('finds the answer whose settlement failed during the PostgreSQL outage (recorded: the sweep billed 941 + 0 estimated for 941 + 36 answered)', () => {
    const run = healthyRun();
    const row = run.ledger.find(r => r.requestId === 'soakq-9-102-irok:chat')!;
    Object.assign(row, {
      completionTokens: 0,
      estimated: true,
      settledAt: 1796619992533,
    });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([
      'ask soakq-9-102-irok (soak-09, chat gpt-4o-mini): the server answered 941+36 tokens, the ledger holds 0+0 exact (1 estimated rows) and no process making these calls was killed',
      'ask soakq-9-102-irok (soak-09, chat gpt-4o-mini): 1 estimated rows though the server answered every call in full and the process lived',
    ]);
  });

  it('accepts that estimate when the process that made the call was SIGKILLed before recording it', () => {
    const run = healthyRun();
    Object.assign(
      run.ledger.find(r => r.requestId === 'soakq-9-102-irok:chat')!,
      { completionTokens: 0, estimated: true, settledAt: 1796619992533 },
    );
    run.processes[0].exitedAt = 1796619946500;
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([]);
  });

  it('accepts either count for an answer the server finished after its client hung up (recorded: cancelled after 3 tokens at 304.25 s, the last byte written at 305.02 s)', () => {
    const run = healthyRun();
    const ask = run.asks.find(a => a.requestId === 'soakq-0-54-36ii')!;
    Object.assign(ask, { outcome: 'cancelled', cancelAfterTokens: 3 });
    const row = run.ledger.find(r => r.requestId === 'soakq-0-54-36ii:chat')!;
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([]);
    Object.assign(row, { completionTokens: 17, estimated: true });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([]);
    // Neither the server's counts nor an estimate: a breach still.
    Object.assign(row, { completionTokens: 17, estimated: false });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([
      'ask soakq-0-54-36ii (soak-00, chat gpt-4o-mini): the server answered 0+0 tokens (and 804+36 the backend may not have read), the ledger holds 804+17 exact (0 estimated rows) and no process making these calls was killed',
    ]);
  });

  it('accepts one row for a request answered twice because the backend timed out and sent it again (recorded: two answers of 1131 tokens, one row of 1131)', () => {
    const run = healthyRun();
    const first = run.openAiCalls.find(c =>
      c.documentTags?.includes('soakdoc9x16xtosf'),
    )!;
    run.openAiCalls.push({ ...first, start: first.start + 730 });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([]);
    // Two different requests (two slices), one missing from the ledger.
    run.openAiCalls[run.openAiCalls.length - 1].requestHash = 'another slice';
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([
      'document soakdoc9x16xtosf (soak-09, embedding text-embedding-3-small): the server answered 2394+0 tokens, the ledger holds 1197+0 exact (0 estimated rows) and no process making these calls was killed',
    ]);
  });

  it("checks documents that shared an embedding call together: the ledger's split among them is the backend's (recorded in a CI soak: 2250 tokens for two documents, rows of 1575 and 675)", () => {
    const run = healthyRun();
    const call = run.openAiCalls.find(c =>
      c.documentTags?.includes('soakdoc9x16xtosf'),
    )!;
    const row = run.ledger.find(
      r => r.documentId === '77e2dbf3-b68a-4db4-86e5-f9f3d908987f',
    )!;
    const second = {
      id: '5b0c8f1e-0c1d-4f5e-9a7b-2d3e4f5a6b7c',
      tag: 'soakdoc9x17xab12',
    };
    run.documents.push({
      ...run.documents[0],
      id: second.id,
      title: second.tag,
    });
    run.uploads.push({
      ...run.uploads[0],
      tag: second.tag,
      documentId: second.id,
    });
    call.documentTags = ['soakdoc9x16xtosf', second.tag];
    // The call's 1197 tokens, split 800 + 397 by the documents' sizes.
    row.promptTokens = 800;
    run.ledger.push({
      ...row,
      requestId: `${row.requestId}-second`,
      documentId: second.id,
      promptTokens: 397,
    });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([]);

    // Together they must still hold exactly what the server answered.
    run.ledger[run.ledger.length - 1].promptTokens = 396;
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([
      `documents soakdoc9x16xtosf, ${second.tag} (shared embedding calls) (soak-09, embedding text-embedding-3-small): the server answered 1197+0 tokens, the ledger holds 1196+0 exact (0 estimated rows) and no process making these calls was killed`,
    ]);
  });

  it('finds a call billed twice, a call with no row and a row of nothing', () => {
    const run = healthyRun();
    run.ledger.push({
      ...run.ledger.find(r => r.requestId === 'soakq-0-54-36ii:chat')!,
      requestId: 'soakq-0-54-36ii:chat:attempt-2',
    });
    run.ledger = run.ledger.filter(
      r => r.documentId !== '77e2dbf3-b68a-4db4-86e5-f9f3d908987f',
    );
    run.ledger.push({
      ...run.ledger[0],
      requestId: 'c3a1-unknown',
      documentId: undefined,
    });
    expect(checkLedgerMatchesOpenAi(run).breaches).toEqual([
      'ledger row c3a1-unknown (soak-00, openai:text-embedding-3-small:64) belongs to no ask or document of the load',
      'ask soakq-0-54-36ii (soak-00, chat gpt-4o-mini): the ledger holds 1608+72 exact tokens, the server reported 804+36',
      'document soakdoc9x16xtosf (soak-09, embedding text-embedding-3-small): 1 calls reached the server, no ledger row',
      'document soakdoc9x16xtosf (soak-09, embedding text-embedding-3-small): the server answered 1197+0 tokens, the ledger holds 0+0 exact (0 estimated rows) and no process making these calls was killed',
    ]);
  });
});
