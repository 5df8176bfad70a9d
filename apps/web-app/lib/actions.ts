'use server';
import { revalidatePath } from 'next/cache';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { isLocale, LOCALE_COOKIE } from '@/i18n/locales';
import { forwardedFor, GATEWAY_URL, GatewayError, gql, rest } from './gateway';
import { accessToken, clearSession, storeSession, type TokenAnswer } from './session';

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();
const back = (path: string, params: Record<string, string>) =>
  `${path}?${new URLSearchParams(params).toString()}`;

export async function signIn(form: FormData): Promise<void> {
  const tenant = text(form, 'tenant');
  const email = text(form, 'email');
  const next = text(form, 'next') || '/dashboard';
  const response = await fetch(`${GATEWAY_URL}/api/auth-service/token?grant_type=password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await forwardedFor()) },
    body: JSON.stringify({ tenant, email, password: String(form.get('password') ?? '') }),
    cache: 'no-store',
    signal: AbortSignal.timeout(10_000),
  }).catch(() => null);
  if (!response?.ok) {
    const problem = (await response?.json().catch(() => null)) as { detail?: string } | null;
    // A reason the sign-in page words in the user's language; a 403's own detail (an
    // unverified or deactivated account) is the platform's.
    const reason =
      response?.status === 429 ? 'tooMany' : response && response.status < 500 ? 'mismatch' : 'unavailable';
    redirect(
      back('/sign-in', {
        ...(problem?.detail && response?.status === 403 ? { error: problem.detail } : { reason }),
        tenant,
        email,
      }),
    );
  }
  await storeSession((await response.json()) as TokenAnswer);
  redirect(next.startsWith('/') && !next.startsWith('//') ? next : '/dashboard');
}

export async function signOut(): Promise<void> {
  const token = await accessToken();
  if (token)
    await fetch(`${GATEWAY_URL}/api/auth-service/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(await forwardedFor()) },
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
  await clearSession();
  redirect('/sign-in?signedOut=1');
}

/** Runs a mutation; on failure returns to `path` with the error shown, on success with the notice `done` (a key of the catalogs' `notices`). */
async function mutate(
  path: string,
  operation: Parameters<typeof gql>[0],
  variables: Record<string, unknown>,
  done: string,
) {
  const { errors } = await gql(operation, variables);
  if (errors.length) {
    if (errors[0]?.extensions?.code === 'UNAUTHENTICATED') redirect(back('/sign-in', { next: path }));
    redirect(back(path, { error: new GatewayError(errors).message }));
  }
  revalidatePath(path);
  redirect(back(path, { notice: done }));
}

export async function enroll(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  await mutate(`/courses/${courseId}`, 'Enroll', { courseId }, 'enrolled');
}

export async function createCourse(form: FormData): Promise<void> {
  const capacity = text(form, 'capacity');
  const { data, errors } = await gql('CreateCourse', {
    input: {
      code: text(form, 'code'),
      title: text(form, 'title'),
      description: text(form, 'description') || undefined,
      term: text(form, 'term') || undefined,
      selfEnrollment: form.get('selfEnrollment') === 'on',
      ...(capacity ? { capacity: Number(capacity) } : {}),
    },
  });
  if (errors.length || !data) redirect(back('/teach/new', { error: new GatewayError(errors).message }));
  redirect(back(`/courses/${data.createCourse.id}`, { notice: 'courseCreated' }));
}

export async function setCourseState(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const state = text(form, 'state');
  await mutate(
    `/courses/${courseId}`,
    'SetCourseState',
    { courseId, state },
    state === 'archived' ? 'courseArchived' : 'coursePublished',
  );
}

export async function addModule(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  await mutate(
    `/courses/${courseId}`,
    'AddModule',
    { courseId, title: text(form, 'title'), published: form.get('published') === 'on' },
    'moduleAdded',
  );
}

export async function setModulePublished(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const published = text(form, 'published') === 'true';
  await mutate(
    `/courses/${courseId}`,
    'SetModulePublished',
    { courseId, moduleId: text(form, 'moduleId'), published },
    published ? 'modulePublished' : 'moduleUnpublished',
  );
}

export async function addItem(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const kind = text(form, 'kind') || 'page';
  await mutate(
    `/courses/${courseId}`,
    'AddItem',
    {
      courseId,
      moduleId: text(form, 'moduleId'),
      input: {
        kind,
        title: text(form, 'title'),
        ...(kind === 'link'
          ? { url: text(form, 'content') }
          : kind === 'file'
            ? { fileId: text(form, 'fileId') }
            : { body: text(form, 'content') }),
        published: form.get('published') === 'on',
      },
    },
    'itemAdded',
  );
}

export async function completeItem(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const itemId = text(form, 'itemId');
  await mutate(`/courses/${courseId}/items/${itemId}`, 'CompleteItem', { courseId, itemId }, 'markedDone');
}

export async function inviteUser(form: FormData): Promise<void> {
  await mutate(
    '/admin/users',
    'InviteUser',
    {
      email: text(form, 'email'),
      displayName: text(form, 'displayName'),
      roles: [text(form, 'role') || 'student'],
    },
    'invitationSent',
  );
}

/** The language switcher: keeps the choice in NEXT_LOCALE (a year) and goes back where it was. */
export async function setLanguage(form: FormData): Promise<void> {
  const locale = text(form, 'locale');
  if (isLocale(locale))
    (await cookies()).set(LOCALE_COOKIE, locale, {
      path: '/',
      sameSite: 'lax',
      maxAge: 365 * 24 * 3600,
      secure: process.env.NODE_ENV === 'production' && process.env.WEB_APP_INSECURE_COOKIES !== '1',
    });
  // Back to the page the switch was pressed on (only a path of this app, never another origin).
  const referer = (await headers()).get('referer');
  let path = '/';
  try {
    const url = new URL(referer ?? '/', 'http://app.invalid');
    const host = (await headers()).get('host');
    if (url.host === host || url.host === 'app.invalid') {
      url.searchParams.delete('notice');
      url.searchParams.delete('error');
      path = `${url.pathname}${url.search}`;
    }
  } catch {
    path = '/';
  }
  redirect(path.startsWith('/') && !path.startsWith('//') ? path : '/');
}

export async function markNotificationRead(form: FormData): Promise<void> {
  const id = text(form, 'id');
  await inbox(`/notifications/${encodeURIComponent(id)}/read`, 'markedRead');
}

export async function markAllNotificationsRead(): Promise<void> {
  await inbox('/notifications/read-all', 'allMarkedRead');
}

/** A teacher's announcement: every member's inbox, and live on their open pages. */
export async function announce(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  await post(
    `/courses/${courseId}`,
    `/courses/${encodeURIComponent(courseId)}/announcements`,
    { title: text(form, 'title'), body: text(form, 'body') },
    'announced',
  );
}

async function inbox(path: string, done: string) {
  await post('/notifications', path, undefined, done);
}

/** POSTs to notification-service, then back to `page` with its notice or the problem's words. */
async function post(page: string, path: string, body: unknown, done: string) {
  const answer = await rest('notification-service', path, { method: 'POST', body });
  if (answer.status === 401) redirect(back('/sign-in', { next: page }));
  if (!answer.ok)
    redirect(back(page, { error: answer.problem?.detail ?? answer.problem?.title ?? `${answer.status}` }));
  revalidatePath(page);
  redirect(back(page, { notice: done }));
}
