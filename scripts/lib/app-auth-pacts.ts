// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Pact provider-state expressions are ${…} on purpose
/**
 * The consumer contracts both apps keep with auth-service through the gateway for their sessions:
 * the sign-in action's password grant, proxy.ts's refresh grant and the sign-out action's logout,
 * each run through the app's real code (Next stubbed by next-server-stub.ts). Call inside the
 * app's `describe('… → auth-service')`; the app's differences are its arguments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Matchers } from '@eduspry/contracts/pact-testing';
import type { PactV4 } from '@pact-foundation/pact';
import { NextRequest, type NextResponse } from 'next/server.js';
import { redirectedTo } from './next-server-stub.ts';

const { fromProviderState, integer, regex, string } = Matchers;

export interface AppSession {
  pact: PactV4;
  /** Who signs in, as auth-service's provider states name them: "student", "tenant admin". */
  who: string;
  /** The app's cookie jar (next-server-stub's) and its access/refresh cookie names. */
  jar: Map<string, string>;
  cookies: { access: string; refresh: string };
  /** A page of the app the proxy runs for. */
  page: string;
  /** The access token the app's other tests send (the jar holds it again afterwards). */
  token: string;
  signIn(form: FormData): Promise<void>;
  signOut(): Promise<void>;
  proxy(request: NextRequest): Promise<NextResponse>;
  /** Fields of the sign-in answer the app reads beyond the tokens. */
  signInAnswer?: Record<string, unknown>;
  /** Where each action sends the browser. */
  afterSignIn: string;
  afterSignOut: string;
}

export function appSessionPacts(app: AppSession): void {
  const { pact, who, jar, cookies } = app;
  const tokens = {
    access_token: string('eyJ.new-access.token'),
    refresh_token: string('new-refresh-token'),
    expires_in: integer(900),
  };
  const json = { 'content-type': 'application/json' };

  test('the sign-in form: a password grant, and the tokens kept in cookies', async () => {
    const typed = { tenant: 'riverside', email: 'someone@example.test', password: 'a-long-password' };
    await pact
      .addInteraction()
      .given(`a ${who} with a password`)
      .uponReceiving(`a password sign-in of a ${who} through the gateway`)
      .withRequest('POST', '/api/auth-service/token', (b) =>
        b
          .query({ grant_type: 'password' })
          .headers(json)
          .jsonBody({
            tenant: fromProviderState('${tenant}', typed.tenant),
            email: fromProviderState('${email}', typed.email),
            password: fromProviderState('${password}', typed.password),
          }),
      )
      .willRespondWith(200, (b) => b.jsonBody({ ...tokens, ...app.signInAnswer }))
      .executeTest(async () => {
        const form = new FormData();
        for (const [name, value] of Object.entries(typed)) form.set(name, value);
        jar.clear();
        assert.equal(redirectedTo(await app.signIn(form).catch((error) => error)), app.afterSignIn);
        assert.equal(jar.get(cookies.access), 'eyJ.new-access.token');
        assert.equal(jar.get(cookies.refresh), 'new-refresh-token');
      });
  });

  test('the proxy: a refresh-token grant when the access cookie has gone', async () => {
    await pact
      .addInteraction()
      .given(`a signed-in ${who}`)
      .uponReceiving(`a refresh-token grant of a ${who} through the gateway`)
      .withRequest('POST', '/api/auth-service/token', (b) =>
        b
          .query({ grant_type: 'refresh_token' })
          .headers(json)
          .jsonBody({ refresh_token: fromProviderState('${refreshToken}', 'old-refresh-token') }),
      )
      .willRespondWith(200, (b) => b.jsonBody(tokens))
      .executeTest(async () => {
        const response = await app.proxy(
          new NextRequest(`http://127.0.0.1${app.page}`, {
            headers: { cookie: `${cookies.refresh}=old-refresh-token` },
          }),
        );
        assert.equal(response.cookies.get(cookies.access)?.value, 'eyJ.new-access.token');
        assert.equal(response.cookies.get(cookies.refresh)?.value, 'new-refresh-token');
      });
  });

  test('signing out: the session ends at auth-service, then the cookies go', async () => {
    await pact
      .addInteraction()
      .given(`a signed-in ${who}`)
      .uponReceiving(`a sign-out of a ${who} through the gateway`)
      .withRequest('POST', '/api/auth-service/logout', (b) =>
        b.headers({ authorization: regex('^Bearer .+$', `Bearer ${app.token}`) }),
      )
      .willRespondWith(204)
      .executeTest(async () => {
        jar.set(cookies.access, app.token);
        jar.set(cookies.refresh, 'a-refresh-token');
        assert.equal(redirectedTo(await app.signOut().catch((error) => error)), app.afterSignOut);
        assert.equal(jar.has(cookies.access), false);
        assert.equal(jar.has(cookies.refresh), false);
        jar.set(cookies.access, app.token);
      });
  });
}
