import type { ReactNode } from 'react';

/**
 * EduSpry's shared components: plain server-renderable React (no state, no effects), so pages
 * built from them ship no component JavaScript. Styles: `@eduspry/ui-components/styles.css`.
 */

export function Card({
  title,
  children,
  actions,
}: {
  title?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="ui-card">
      {title ? <h2 className="ui-card-title">{title}</h2> : null}
      <div>{children}</div>
      {actions ? <div className="ui-card-actions">{actions}</div> : null}
    </section>
  );
}

export function Button({
  children,
  variant = 'primary',
  type = 'submit',
  name,
  value,
}: {
  children: ReactNode;
  variant?: 'primary' | 'secondary' | 'link';
  type?: 'submit' | 'button';
  name?: string;
  value?: string;
}) {
  return (
    <button className={`ui-button ui-button-${variant}`} type={type} name={name} value={value}>
      {children}
    </button>
  );
}

export function TextField({
  label,
  name,
  type = 'text',
  required,
  defaultValue,
  autoComplete,
  hint,
  multiline,
  id: givenId,
}: {
  label: string;
  name: string;
  /** Needed when two fields of one page share a name (two forms). */
  id?: string;
  type?: string;
  required?: boolean;
  defaultValue?: string;
  autoComplete?: string;
  hint?: string;
  multiline?: boolean;
}) {
  const id = givenId ?? `field-${name}`;
  return (
    <div className="ui-field">
      <label htmlFor={id}>
        {label}
        {required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {multiline ? (
        <textarea id={id} name={name} required={required} defaultValue={defaultValue} rows={4} />
      ) : (
        <input
          id={id}
          name={name}
          type={type}
          required={required}
          defaultValue={defaultValue}
          autoComplete={autoComplete}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      )}
      {hint ? (
        <p className="ui-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox({
  label,
  name,
  defaultChecked,
  id = `check-${name}`,
}: {
  label: string;
  name: string;
  defaultChecked?: boolean;
  id?: string;
}) {
  return (
    <div className="ui-check">
      <input id={id} name={name} type="checkbox" defaultChecked={defaultChecked} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

export function Select({
  label,
  name,
  options,
  id = `select-${name}`,
  defaultValue,
}: {
  label: string;
  name: string;
  options: { value: string; label: string }[];
  /** Needed when a page has two selects of one name (in different forms). */
  id?: string;
  defaultValue?: string | undefined;
}) {
  return (
    <div className="ui-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A labelled progress bar: the number is in the text, not only in the colour. */
export function ProgressBar({
  percent,
  label,
  valueText,
}: {
  percent: number;
  label: string;
  /** The visible value in the page's language (default English "N% complete"). */
  valueText?: string;
}) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className="ui-progress">
      <div
        className="ui-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuenow={value}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="ui-progress-fill" style={{ width: `${value}%` }} />
      </div>
      <span className="ui-progress-text">{valueText ?? `${value}% complete`}</span>
    </div>
  );
}

export function Alert({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'error' | 'success';
  children: ReactNode;
}) {
  return (
    <div className={`ui-alert ui-alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Badge({
  children,
  tone = 'neutral',
}: {
  children: ReactNode;
  tone?: 'neutral' | 'locked' | 'good';
}) {
  return <span className={`ui-badge ui-badge-${tone}`}>{children}</span>;
}

/** A locked thing says so in words (not only an icon) and why. */
export function LockNotice({ explanation, lead = 'Locked:' }: { explanation: string; lead?: string }) {
  return (
    <p className="ui-lock">
      <span aria-hidden="true">🔒 </span>
      <strong>{lead}</strong> {explanation}
    </p>
  );
}

/** Placeholder blocks of fixed height, so content replacing them does not shift the layout. */
export function Skeleton({
  lines = 3,
  height = 96,
  label = 'Loading…',
}: {
  lines?: number;
  height?: number;
  /** What a screen reader hears, in the page's language. */
  label?: string;
}) {
  return (
    <div aria-busy="true" aria-live="polite" className="ui-skeleton-group">
      <span className="ui-visually-hidden">{label}</span>
      {Array.from({ length: lines }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: identical placeholders that never reorder
        <div key={i} className="ui-skeleton" style={{ height }} />
      ))}
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="ui-empty">{children}</p>;
}
