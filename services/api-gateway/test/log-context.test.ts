import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { createLogger } from '@eduspry/logging';
import { type Platform, startPlatform } from './helpers.ts';

const lines: Record<string, unknown>[] = [];
const logger = createLogger({
  service: 'api-gateway',
  destination: new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
});

let p: Platform;
before(async () => {
  p = await startPlatform({}, { logger });
});
after(() => p.close());

test("the gateway's log lines name the caller's tenant and user once the token is verified", async () => {
  const tenant = await p.tenant();
  const student = await p.user(tenant);
  const answer = await p.graphql(student.token, '{ me { id } }');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const line = lines.find((entry) => entry.message === 'POST /graphql 200' && entry.userId === student.id);
  assert.ok(line, 'the request line names the user');
  assert.equal(line.tenantId, tenant.id);
  const anonymous = await p.graphql(undefined, '{ __typename }');
  assert.equal(anonymous.status, 200);
  const anonymousLine = lines.filter((entry) => entry.message === 'POST /graphql 200').at(-1);
  assert.equal(anonymousLine?.userId, null, 'no user without a token');
});
