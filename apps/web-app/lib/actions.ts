'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { forwardedFor, GATEWAY_URL, GatewayError, gql } from './gateway';
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
    const message =
      response?.status === 429
        ? 'Too many attempts. Wait a minute and try again.'
        : response && response.status < 500
          ? 'That email and password do not match an account of this school.'
          : 'Sign-in is unavailable right now. Try again shortly.';
    redirect(
      back('/sign-in', {
        error: problem?.detail && response?.status === 403 ? problem.detail : message,
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

/** Runs a mutation; on failure returns to `path` with the error shown, on success with `done`. */
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
  await mutate(`/courses/${courseId}`, 'Enroll', { courseId }, 'You are enrolled.');
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
  redirect(back(`/courses/${data.createCourse.id}`, { notice: 'Course created as a draft.' }));
}

export async function setCourseState(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const state = text(form, 'state');
  await mutate(`/courses/${courseId}`, 'SetCourseState', { courseId, state }, `Course ${state}.`);
}

export async function addModule(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  await mutate(
    `/courses/${courseId}`,
    'AddModule',
    { courseId, title: text(form, 'title'), published: form.get('published') === 'on' },
    'Module added.',
  );
}

export async function setModulePublished(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const published = text(form, 'published') === 'true';
  await mutate(
    `/courses/${courseId}`,
    'SetModulePublished',
    { courseId, moduleId: text(form, 'moduleId'), published },
    published ? 'Module published.' : 'Module unpublished.',
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
        ...(kind === 'link' ? { url: text(form, 'content') } : { body: text(form, 'content') }),
        published: form.get('published') === 'on',
      },
    },
    'Item added.',
  );
}

export async function completeItem(form: FormData): Promise<void> {
  const courseId = text(form, 'courseId');
  const itemId = text(form, 'itemId');
  await mutate(
    `/courses/${courseId}/items/${itemId}`,
    'CompleteItem',
    { courseId, itemId },
    'Marked as done.',
  );
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
    'Invitation sent.',
  );
}
