import { healthyRun } from './__fixtures__/recordedRun';
import { checkUploadsSettle } from './uploadsSettle';

describe('checkUploadsSettle', () => {
  it('holds when every upload ended ready, failed with a reason, or refused', () => {
    const result = checkUploadsSettle(healthyRun());
    expect(result.breaches).toEqual([]);
    expect(result.figures[0]).toBe(
      '2 uploads (1 retried by the client): bad (corrupt pdf) → 422: 1, md → 202: 1',
    );
  });

  it('finds a good upload answered 401 (recorded: a replica that started during the PostgreSQL outage could not check tokens)', () => {
    const run = healthyRun();
    run.uploads.push({
      tag: 'soakdoc3x511xu04l',
      tenant: 'soak-03',
      format: 'docx',
      status: 401,
      attempts: 4,
      at: 1796619950000,
    });
    expect(checkUploadsSettle(run).breaches).toEqual([
      'upload soakdoc3x511xu04l (docx) was not accepted: 401 after 4 attempts',
    ]);
  });

  it('accepts a corrupt PDF answered 202 whose document failed with its reason, not one that ended ready', () => {
    const run = healthyRun();
    run.uploads[1].status = 202;
    run.documents.push({
      id: 'd2',
      tenant: 'soak-07',
      title: 'soakdoc7x126xsmhm',
      status: 'failed',
      error: 'The file is not a readable PDF (corrupt or not a PDF)',
      attempts: 1,
    });
    expect(checkUploadsSettle(run).breaches).toEqual([]);
    run.documents[1].status = 'ready';
    expect(checkUploadsSettle(run).breaches).toEqual([
      'bad file soakdoc7x126xsmhm (corrupt pdf) was accepted but its document is ready, not failed with a reason',
    ]);
  });

  it('finds documents stuck processing or failed without a reason, and a bad file that was kept', () => {
    const run = healthyRun();
    run.documents[0].status = 'processing';
    run.documents.push({
      id: 'd2',
      tenant: 'soak-07',
      title: 'soakdoc7x126xsmhm',
      status: 'failed',
      error: ' ',
      attempts: 3,
    });
    run.uploads[1].status = 500;
    expect(checkUploadsSettle(run).breaches).toEqual([
      'document soakdoc9x16xtosf (77e2dbf3-b68a-4db4-86e5-f9f3d908987f) is still processing after 1 attempts',
      'document soakdoc7x126xsmhm (d2) failed without a reason',
      'bad file soakdoc7x126xsmhm (corrupt pdf) answered 500, not a 4xx refusal',
      'bad file soakdoc7x126xsmhm (corrupt pdf) left document d2 (failed)',
    ]);
  });
});
