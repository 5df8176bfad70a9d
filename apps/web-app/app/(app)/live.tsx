'use client';
import type { RealtimeChannel, RealtimeClient } from '@supabase/realtime-js';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { connection } from '@/lib/connection';

/**
 * The page's one connection to realtime-service (Supabase Realtime's protocol, the official
 * client). realtime-js asks for the access token on every heartbeat (lib/connection.ts keeps it
 * fresh), so an open socket outlives its first token. Without realtime the pages work as before,
 * just not live.
 */
let client: Promise<RealtimeClient | null> | null = null;

const currentToken = async () => (await connection())?.token ?? null;

function realtime(): Promise<RealtimeClient | null> {
  client ??= (async () => {
    const held = await connection();
    if (!held) return null;
    // A chunk of its own, fetched after the page is interactive: no page waits for the client.
    const { RealtimeClient } = await import('@supabase/realtime-js');
    const realtime = new RealtimeClient(held.url, {
      params: { apikey: 'eduspry-web-app' },
      accessToken: currentToken,
      heartbeatIntervalMs: 15_000,
    });
    await realtime.setAuth();
    return realtime;
  })();
  return client;
}

/** Joins `topic` while the component is mounted; `setup` adds the bindings before the join. */
export function useChannel(
  topic: string,
  options: { presenceKey?: string },
  setup: (channel: RealtimeChannel) => (status: string) => void,
) {
  // The channel is the topic's: a new topic (or presence key) is a new channel.
  // biome-ignore lint/correctness/useExhaustiveDependencies: setup is read once per join
  useEffect(() => {
    let left = false;
    let joined: { client: RealtimeClient; channel: RealtimeChannel } | null = null;
    void realtime().then((live) => {
      if (!live || left) return;
      const channel = live.channel(topic, {
        config: { private: true, ...(options.presenceKey ? { presence: { key: options.presenceKey } } : {}) },
      });
      const onStatus = setup(channel);
      channel.subscribe((status) => onStatus(status));
      joined = { client: live, channel };
    });
    return () => {
      left = true;
      if (joined) void joined.client.removeChannel(joined.channel);
    };
  }, [topic, options.presenceKey]);
}

interface Person {
  key: string;
  name: string | null;
  role: string;
}

/** Most people listed by name; the rest are counted. */
const SHOWN = 12;

/**
 * "Here now" on a course page: the course's members who have it open (presence on the private
 * `course:<id>` channel, which only members may join), and its structure kept current: a module
 * or item added, changed or removed refreshes the page's server data without a reload.
 */
export function CourseLive({
  courseId,
  me,
}: {
  courseId: string;
  me: { id: string; name: string | null; role: string };
}) {
  const t = useTranslations('live');
  const router = useRouter();
  const [people, setPeople] = useState<Person[] | null>(null);
  // Refused when the district's presence privacy does not show this user (staff only, or off).
  const [shown, setShown] = useState(true);
  useChannel(`course:${courseId}`, { presenceKey: me.id }, (channel) => {
    let refresh: ReturnType<typeof setTimeout> | undefined;
    const changed = () => {
      clearTimeout(refresh);
      refresh = setTimeout(() => router.refresh(), 200);
    };
    channel.on('presence', { event: 'sync' }, () => {
      const state = channel.presenceState<{ name: string | null; role: string }>();
      setPeople(
        Object.entries(state).map(([key, [meta]]) => ({
          key,
          name: meta?.name ?? null,
          role: meta?.role ?? '',
        })),
      );
    });
    for (const table of ['modules', 'items'])
      channel.on(
        'postgres_changes',
        { event: '*', schema: 'course', table, filter: `course_id=eq.${courseId}` },
        changed,
      );
    return (status) => {
      if (status === 'SUBSCRIBED')
        void channel.track({ name: me.name, role: me.role }).then((result) => setShown(result !== 'error'));
    };
  });
  if (!people) return null;
  const others = people.filter((person) => person.key !== me.id);
  // Not shown and nobody to show: with presence off there is nothing to say on the page.
  if (!shown && others.length === 0) return null;
  const staff = (role: string) => role === 'teacher' || role === 'ta';
  // Staff first, then by name, so the teacher is never among those only counted.
  others.sort(
    (a, b) => Number(staff(b.role)) - Number(staff(a.role)) || (a.name ?? '').localeCompare(b.name ?? ''),
  );
  return (
    <section className="presence" aria-labelledby="presence-title" data-testid="presence">
      <h2 id="presence-title" className="presence-title">
        {t('hereNow')}
      </h2>
      {shown ? null : <p className="meta">{t('notShown')}</p>}
      {others.length === 0 ? (
        <p className="meta">{t('onlyYou')}</p>
      ) : (
        <ul className="presence-list">
          {others.slice(0, SHOWN).map((person) => (
            <li key={person.key}>
              {person.name ?? t('someone')}
              {staff(person.role) ? (
                <span className="meta"> · {t(person.role === 'ta' ? 'ta' : 'teacher')}</span>
              ) : null}
            </li>
          ))}
          {others.length > SHOWN ? (
            <li className="meta">{t('more', { count: others.length - SHOWN })}</li>
          ) : null}
        </ul>
      )}
    </section>
  );
}

interface LiveNotification {
  id: string;
  title: string;
  link: string | null;
  unread: number;
}

/**
 * New notifications as they arrive (notification-service pushes them to the private
 * `user:<id>` channel): the newest is announced politely and the bell's count refreshed.
 */
export function LiveNotifications({ userId }: { userId: string }) {
  const t = useTranslations('live');
  const router = useRouter();
  const [latest, setLatest] = useState<LiveNotification | null>(null);
  useChannel(`user:${userId}`, {}, (channel) => {
    channel.on('broadcast', { event: 'notification' }, ({ payload }) => {
      setLatest(payload as LiveNotification);
      router.refresh();
    });
    return () => {};
  });
  return (
    <div className="live-notice" role="status" data-testid="live-notification">
      {latest ? (
        <>
          {t('newNotification')}{' '}
          {latest.link?.startsWith('/') ? <Link href={latest.link}>{latest.title}</Link> : latest.title}
          <button type="button" className="ui-button ui-button-link" onClick={() => setLatest(null)}>
            {t('dismiss')}
          </button>
        </>
      ) : null}
    </div>
  );
}
