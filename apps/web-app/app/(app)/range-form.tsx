import { Button, TextField } from '@eduspry/ui-components';
import { getTranslations } from 'next-intl/server';

/** The from/to days of a report (a GET form: the range is in the address, so it can be shared). */
export async function RangeForm({ action, from, to }: { action: string; from: string; to: string }) {
  const t = await getTranslations('analytics');
  return (
    <form className="range" action={action} aria-label={t('range')}>
      <TextField label={t('from')} name="from" type="date" defaultValue={from} />
      <TextField label={t('to')} name="to" type="date" defaultValue={to} />
      <Button variant="secondary">{t('apply')}</Button>
    </form>
  );
}
