import { Card } from '@eduspry/ui-components';
import { getFormatter, getTranslations } from 'next-intl/server';
import { Notice } from '@/components/field';
import { gateway } from '@/lib/gateway';
import { replayDeadLetter } from '@/lib/operations';
import type { PlatformHealth } from '@/lib/operations-shape';

/** Every service's readiness, its event bus, consumer lag and dead letters (the gateway's `/platform/health`). */
export async function Health() {
  const t = await getTranslations('health');
  const format = await getFormatter();
  const answer = await gateway<PlatformHealth>('GET', '/platform/health');
  if (!answer.ok) return <Notice kind="error">{t('unavailable')}</Notice>;
  const { services } = answer.data;
  const kinds = [...new Set(services.flatMap((s) => (s.bus ? [s.bus.kind] : [])))];
  const groups = services.flatMap((s) =>
    (s.bus?.groups ?? []).map((group) => ({ service: s.service, ...group })),
  );
  const letters = services.flatMap((s) =>
    (s.bus?.deadLetters ?? []).map((letter) => ({ service: s.service, ...letter })),
  );
  return (
    <>
      <Card title={t('services')}>
        <p>
          {answer.data.ready ? t('allReady') : t('notAllReady')}{' '}
          {t('checkedAt', { at: new Date(answer.data.checkedAt) })}
        </p>
        <p>
          {kinds.length
            ? t('busKind', { kinds: kinds.map((kind) => t(`kinds.${kind}`)).join(', ') })
            : t('busUnknown')}
        </p>
        <table>
          <caption className="ui-visually-hidden">{t('services')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('service')}</th>
              <th scope="col">{t('readiness')}</th>
              <th scope="col">{t('checks')}</th>
              <th scope="col">{t('latency')}</th>
              <th scope="col">{t('bus')}</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.service}>
                <th scope="row">{s.service}</th>
                <td>
                  {s.ready ? t('ready') : t('notReady')}
                  {s.reason
                    ? ` (${t.has(`reasons.${s.reason}`) ? t(`reasons.${s.reason}`) : s.reason})`
                    : null}
                </td>
                <td>
                  {Object.entries(s.checks)
                    .map(([name, state]) => `${name}: ${state}`)
                    .join(', ') || '—'}
                </td>
                <td>{t('ms', { ms: s.latencyMs })}</td>
                <td>{s.bus ? t(`kinds.${s.bus.kind}`) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title={t('groups')}>
        {groups.length === 0 ? (
          <p>{t('noGroups')}</p>
        ) : (
          <table>
            <caption className="ui-visually-hidden">{t('groups')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('service')}</th>
                <th scope="col">{t('group')}</th>
                <th scope="col">{t('lag')}</th>
                <th scope="col">{t('deadLetters')}</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={`${g.service}/${g.group}`}>
                  <td>{g.service}</td>
                  <th scope="row">{g.group}</th>
                  <td>
                    {g.lag
                      .map(
                        ({ topic, lag }) =>
                          `${topic}: ${lag === null ? t('lagUnknown') : format.number(lag)}`,
                      )
                      .join(', ') || '—'}
                  </td>
                  <td>{format.number(g.deadLetters)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <Card title={t('deadLetterList', { count: letters.length })}>
        {letters.length === 0 ? (
          <p>{t('noDeadLetters')}</p>
        ) : (
          <table>
            <caption className="ui-visually-hidden">{t('deadLetterList', { count: letters.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('service')}</th>
                <th scope="col">{t('group')}</th>
                <th scope="col">{t('eventType')}</th>
                <th scope="col">{t('error')}</th>
                <th scope="col">{t('attempts')}</th>
                <th scope="col">{t('failedAt')}</th>
                <th scope="col">{t('actions')}</th>
              </tr>
            </thead>
            <tbody>
              {letters.map((letter) => (
                <tr key={`${letter.service}/${letter.id}`}>
                  <td>{letter.service}</td>
                  <td>{letter.consumerGroup}</td>
                  <td>{letter.eventType}</td>
                  <td className="error-cell">{letter.error.split('\n')[0]}</td>
                  <td>{format.number(letter.attempts)}</td>
                  <td>
                    {format.dateTime(new Date(letter.lastFailedAt), {
                      dateStyle: 'medium',
                      timeStyle: 'short',
                    })}
                  </td>
                  <td>
                    <form action={replayDeadLetter}>
                      <input type="hidden" name="service" value={letter.service} />
                      <input type="hidden" name="id" value={letter.id} />
                      <button className="ui-button ui-button-secondary" type="submit">
                        {t('replay')}
                        <span className="ui-visually-hidden">
                          {' '}
                          {letter.service} {letter.eventId}
                        </span>
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
