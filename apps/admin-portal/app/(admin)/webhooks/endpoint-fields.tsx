import { getTranslations } from 'next-intl/server';
import { Field } from '@/components/field';

/** The fields of an endpoint, for the create form and the edit form. */
export async function EndpointFields({
  values,
  fieldError,
}: {
  values: { url?: string; description?: string; eventTypes?: string; ordered?: boolean };
  fieldError: (field: string) => string | undefined;
}) {
  const t = await getTranslations('webhooks');
  return (
    <>
      <Field
        label={t('url')}
        name="url"
        type="url"
        required
        defaultValue={values.url}
        hint={t('urlHint')}
        error={fieldError('url')}
      />
      <Field
        label={t('description')}
        name="description"
        defaultValue={values.description}
        error={fieldError('description')}
      />
      <Field
        label={t('eventTypes')}
        name="eventTypes"
        required
        defaultValue={values.eventTypes}
        hint={t('eventTypesHint')}
        error={fieldError('eventTypes')}
      />
      <div className="ui-field checkbox">
        <input id="field-ordered" name="ordered" type="checkbox" defaultChecked={values.ordered} />
        <label htmlFor="field-ordered">{t('ordered')}</label>
      </div>
    </>
  );
}
