/** Field errors travel back to the form's page in the query string, as message keys. */
export type FieldErrors = Record<string, string>;

const FIELD = /^[a-zA-Z]{1,40}$/;
const CODE = /^[a-z-]{1,40}$/;

export function encodeFieldErrors(errors: FieldErrors): string {
  return Object.entries(errors)
    .map(([field, code]) => `${field}:${code}`)
    .join(',');
}

/** Only well-formed `field:code` pairs: the parameter comes from the address bar. */
export function decodeFieldErrors(raw: string | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const pair of (raw ?? '').split(',').slice(0, 20)) {
    const [field = '', code = ''] = pair.split(':');
    if (FIELD.test(field) && CODE.test(code)) errors[field] = code;
  }
  return errors;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SLUG = /^[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])$/;

/** Text a form field may carry: trimmed, and without control characters. */
export function cleanText(value: FormDataEntryValue | null): string {
  return (
    String(value ?? '')
      .trim()
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u001f\u007f]/g, '')
  );
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
