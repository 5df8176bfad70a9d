import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import {
  createLogger,
  LOG_FIELDS,
  type LogLine,
  logLineProblems,
  runWithLogContext,
  setLogContext,
} from '../src/index.ts';

function capture(options: { component?: string } = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const log = createLogger({
    service: 'test-service',
    environment: 'test',
    level: 'trace',
    destination,
    ...options,
  });
  return { log, lines, parsed: () => lines.map((line) => JSON.parse(line) as LogLine) };
}

test('every line has exactly the guide fields in order, extras go under context', () => {
  const { log, parsed } = capture();
  log.info('plain message');
  log.warn(
    { courseId: 'c-1', tags: ['enrollment'], metrics: { durationMs: 12.5, notANumber: 'x' } },
    'with fields',
  );
  log.child({ component: 'consumer', topic: 'logs' }).error(new Error('broken pipe'), 'child with error');
  const [plain, withFields, child] = parsed();
  for (const line of parsed()) assert.deepEqual(logLineProblems(line), []);
  assert.deepEqual(Object.keys(plain!), [...LOG_FIELDS]);
  assert.equal(plain!.service, 'test-service');
  assert.equal(plain!.environment, 'test');
  assert.equal(plain!.level, 'info');
  assert.equal(plain!.message, 'plain message');
  assert.equal(plain!.traceId, null);
  assert.deepEqual(withFields!.context, { courseId: 'c-1' });
  assert.deepEqual(withFields!.tags, ['enrollment']);
  assert.deepEqual(withFields!.metrics, { durationMs: 12.5 });
  assert.equal(child!.component, 'consumer');
  assert.equal(child!.context.topic, 'logs');
  assert.match(String((child!.context.err as { message: string }).message), /broken pipe/);
});

test('trace, tenant and user fields come from the async context, not from the caller', async () => {
  const { log, parsed } = capture();
  const traceId = 'a'.repeat(32);
  await runWithLogContext({ traceId, spanId: 'b'.repeat(16), requestId: 'r-1' }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    setLogContext({ tenantId: 't-1', tenantName: 'Riverside', userId: 'u-1', sessionId: 's-1' });
    await Promise.resolve();
    log.info('inside the request');
  });
  log.info('outside any request');
  const [inside, outside] = parsed();
  assert.equal(inside!.traceId, traceId);
  assert.equal(inside!.spanId, 'b'.repeat(16));
  assert.equal(inside!.tenantId, 't-1');
  assert.equal(inside!.tenantName, 'Riverside');
  assert.equal(inside!.userId, 'u-1');
  assert.equal(inside!.sessionId, 's-1');
  assert.equal(inside!.context.requestId, 'r-1');
  assert.equal(outside!.traceId, null);
  assert.equal(outside!.tenantId, null);
});

test('concurrent requests keep their own context', async () => {
  const { log, parsed } = capture();
  await Promise.all(
    ['1', '2', '3'].map((n) =>
      runWithLogContext({ tenantId: `tenant-${n}` }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 4 - Number(n)));
        log.info(`request ${n}`);
      }),
    ),
  );
  for (const line of parsed()) assert.equal(line.tenantId, `tenant-${line.message.split(' ')[1]}`);
});

test('passwords, tokens, authorization headers and cookies never reach a line', () => {
  const { log, lines } = capture();
  const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
  log.info(
    {
      password: 'hunter2-top',
      body: { user: { credentials: { newPassword: 'hunter3-nested', api_key: 'k-123456' } } },
      req: {
        headers: { authorization: `Bearer ${jwt}`, Cookie: 'sid=cookie-value-42', 'x-api-key': 'xkey-9' },
      },
      refreshToken: 'refresh-abc',
      note: `forwarded header was Bearer opaque-token-77 and ${jwt}`,
    },
    `sign-in with Authorization: Bearer ${jwt}`,
  );
  const text = lines.join('\n');
  for (const secret of [
    'hunter2-top',
    'hunter3-nested',
    'k-123456',
    jwt,
    'cookie-value-42',
    'xkey-9',
    'refresh-abc',
    'opaque-token-77',
  ])
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  const [line] = lines.map((l) => JSON.parse(l));
  assert.equal(line.context.password, '[redacted]');
  assert.equal(line.context.req.headers.authorization, '[redacted]');
  assert.match(line.message, /Bearer \[redacted\]/);
});

test('the shape check names what is wrong', () => {
  assert.deepEqual(logLineProblems({ msg: 'pino default' }).length > 0, true);
  const { log, parsed } = capture();
  log.info('ok');
  const good = parsed()[0]!;
  assert.deepEqual(logLineProblems(good), []);
  assert.match(logLineProblems({ ...good, traceId: 'xyz' }).join(), /traceId/);
  const { environment: _dropped, ...missing } = good;
  assert.match(logLineProblems(missing).join(), /keys are/);
});
