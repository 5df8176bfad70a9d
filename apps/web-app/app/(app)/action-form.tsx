'use client';
import { Alert, Select, TextField } from '@eduspry/ui-components';
import { useTranslations } from 'next-intl';
import {
  type ComponentProps,
  createContext,
  type InputHTMLAttributes,
  type ReactNode,
  useActionState,
  useContext,
} from 'react';
import type { FormState, FormValues } from '@/lib/form-state';

/** What the refused submission sent, for the fields of its form; null before any refusal. */
const Sent = createContext<FormValues | null>(null);

/**
 * A form whose server action answers a refusal with a `FormState` (lib/form-state.ts): the
 * platform's reason is said above it (an alert) and its fields come back as the user left them.
 * `useActionState` runs it with or without JavaScript; without, the browser posts to
 * `permalink` and lands on it, so the address names the form and the page scrolls to it. The
 * fields are the Kept* components below, which take their default from what was sent.
 */
export function ActionForm({
  action,
  permalink,
  messages,
  id,
  label,
  children,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  /** The page's address with this form's anchor: unique per form, it also keys the state. */
  permalink: string;
  /** The catalog's namespace with `refused` (takes `{problem}`) and `notSaved` (no answer). */
  messages: 'quizBuilder' | 'grading';
  id?: string;
  label: string;
  children: ReactNode;
}) {
  const t = useTranslations(messages);
  const [state, dispatch] = useActionState(action, null, permalink);
  return (
    <>
      {state ? (
        <Alert kind="error">
          {state.problem === null ? t('notSaved') : t('refused', { problem: state.problem })}
        </Alert>
      ) : null}
      <Sent.Provider value={state?.values ?? null}>
        {/* A new form for each different refusal: every field, selects too, starts from what was sent. */}
        <form key={JSON.stringify(state)} action={dispatch} id={id} aria-label={label}>
          {children}
        </form>
      </Sent.Provider>
    </>
  );
}

/** A TextField showing what the refused submission sent, else its own default. */
export function KeptTextField(props: ComponentProps<typeof TextField>) {
  const sent = useContext(Sent)?.[props.name]?.[0];
  return <TextField {...props} defaultValue={sent ?? props.defaultValue} />;
}

/** An input (a checkbox or radio button too) as the refused submission left it. */
export function KeptInput(props: InputHTMLAttributes<HTMLInputElement> & { name: string }) {
  const sent = useContext(Sent);
  if (!sent) return <input {...props} />;
  const values = sent[props.name] ?? [];
  return props.type === 'checkbox' || props.type === 'radio' ? (
    <input {...props} defaultChecked={values.includes(String(props.value))} />
  ) : (
    <input {...props} defaultValue={values[0] ?? props.defaultValue} />
  );
}

/** A labelled select with the option the refused submission chose. */
export function KeptSelect(props: ComponentProps<typeof Select>) {
  const sent = useContext(Sent)?.[props.name]?.[0];
  return <Select {...props} defaultValue={sent ?? props.defaultValue} />;
}
