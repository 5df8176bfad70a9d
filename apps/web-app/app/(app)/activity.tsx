'use client';
import { useEffect } from 'react';
import { connection } from '@/lib/connection';

/** One activity event as the `analytics` edge function takes it (its schema.ts). */
interface TrackEvent {
  id: string;
  type: 'item_opened' | 'heartbeat';
  at: string;
  courseId: string;
  itemId?: string;
  seconds?: number;
}

/** How often time on a visible page is counted and sent. */
const BEAT_MS = 30_000;
/** The function takes 500 events a request; a page that could not send for long keeps the newest. */
const MAX_QUEUED = 500;

const event = (type: TrackEvent['type'], courseId: string, extra: Partial<TrackEvent> = {}): TrackEvent => ({
  id: crypto.randomUUID(),
  type,
  at: new Date().toISOString(),
  courseId,
  ...extra,
});

/**
 * Time on task for the `analytics` edge function, as Supabase clients call functions: the
 * browser posts with the user's access token (the function takes tenant and user from it).
 * While the page is visible, the seconds since the last beat are counted; a hidden tab counts
 * nothing. An opened item is told at once. Every event has its own id, so a batch sent again
 * after a failure is counted once; a refused batch (4xx) is dropped, not retried forever.
 */
export function Activity({ courseId, itemId }: { courseId: string; itemId?: string }) {
  useEffect(() => {
    const queue: TrackEvent[] = itemId ? [event('item_opened', courseId, { itemId })] : [];
    let visibleSince: number | null = document.visibilityState === 'visible' ? Date.now() : null;

    const beat = () => {
      if (visibleSince === null) return;
      const now = Date.now();
      const seconds = Math.round((now - visibleSince) / 1000);
      if (seconds < 1) return;
      visibleSince = now;
      queue.push(event('heartbeat', courseId, { seconds, ...(itemId ? { itemId } : {}) }));
      queue.splice(0, Math.max(0, queue.length - MAX_QUEUED));
    };
    // Each call sends what is queued then; two at once send different events.
    const flush = async (keepalive = false) => {
      if (queue.length === 0) return;
      const batch = queue.splice(0, queue.length);
      try {
        const live = await connection();
        if (!live) return;
        const answer = await fetch(`${live.functionsUrl.replace(/\/$/, '')}/analytics`, {
          method: 'POST',
          headers: { authorization: `Bearer ${live.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
          keepalive,
        });
        if (answer.status >= 500) queue.unshift(...batch);
      } catch {
        queue.unshift(...batch); // offline: the next beat tries again
      }
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        beat();
        visibleSince = null;
        void flush(true);
      } else visibleSince = Date.now();
    };

    void flush();
    const timer = setInterval(() => {
      beat();
      void flush();
    }, BEAT_MS);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
      beat();
      void flush();
    };
  }, [courseId, itemId]);
  return null;
}
