import { spawn } from 'child_process';
import { existsSync } from 'fs';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { createHttpMetricsMiddleware } from '../http/httpMetricsMiddleware';
import { createMetricsRouter } from '../http/createMetricsRouter';
import { DocuchatMetrics } from './DocuchatMetrics';
import { samplesOf } from './__testUtils__/samples';

const PROMTOOL = '/usr/bin/promtool';
const FAMILIES = [
  'openai_tokens_total',
  'ml_fallback_total',
  'http_request_duration_seconds_bucket',
  'openai_request_total',
  'rag_query_total',
  'document_chunks_total',
];

/** Runs `promtool check metrics` with `body` on stdin. */
function promtoolCheck(
  body: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics']);
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, output }));
    child.stdin.end(body);
  });
}

const promtoolInstalled = existsSync(PROMTOOL);
if (!promtoolInstalled && process.env.CI) {
  throw new Error(
    `${PROMTOOL} is missing; CI must install it (Debian package "prometheus") to check the metrics format`,
  );
}
const describeWithPromtool = promtoolInstalled ? describe : describe.skip;

describeWithPromtool('promtool check metrics', () => {
  it('accepts GET /metrics with data in every family', async () => {
    const metrics = new DocuchatMetrics();
    metrics.countTokens({
      tenantId: 'acme',
      model: 'openai:gpt-4o-mini',
      promptTokens: 1200,
      completionTokens: 300,
    });
    metrics.countTokens({
      tenantId: 'globex',
      model: 'openai:Qwen/Qwen2.5-7B',
      promptTokens: 10,
      completionTokens: 2,
    });
    // Label values that need escaping must still parse.
    metrics.countTokens({
      tenantId: 'acme',
      model: 'odd "model" \\ with\nnewline',
      promptTokens: 1,
      completionTokens: 1,
    });
    metrics.record('openai:gpt-4o-mini', 'local:extractive', 'rate_limit');
    metrics.countModelRequest('openai:gpt-4o-mini', 'chat', 'fallback');
    metrics.countModelRequest(
      'openai:text-embedding-3-small:1536',
      'embedding',
      'success',
    );
    metrics.countRagQuery('acme', 'answered');
    metrics.countRagQuery('globex', 'no_sources');
    metrics.countIndexedChunks('acme', 120);

    const plugin = Router();
    plugin.use(createHttpMetricsMiddleware(metrics));
    plugin.get('/tenants/:tenantId/documents', async (_req, res) => {
      res.json([]);
    });
    plugin.use(createMetricsRouter({ metrics, access: { kind: 'public' } }));
    const app = express().use('/api/docuchat', plugin);
    await request(app).get('/api/docuchat/tenants/acme/documents').expect(200);
    await request(app).get('/api/docuchat/nowhere').expect(404);

    const { text } = await request(app)
      .get('/api/docuchat/metrics')
      .expect(200);
    const empty = FAMILIES.filter(f => samplesOf(text, f).length === 0);
    expect(empty).toEqual([]);

    const { code, output } = await promtoolCheck(text);
    expect({ code, output }).toEqual({ code: 0, output: '' });
  });

  it('is a real check: it rejects a malformed exposition', async () => {
    const { code, output } = await promtoolCheck(
      '# TYPE document_chunks_total gauge\ndocument_chunks_total{tenant="a"} 1\n',
    );
    expect(code).not.toBe(0);
    expect(output).toContain('_total');
  });
});
