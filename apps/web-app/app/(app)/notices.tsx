import { Alert } from '@eduspry/ui-components';
import type { GraphQLErrorShape } from '@/lib/gateway';

/** The `?notice=` / `?error=` a form action came back with, and partial-answer errors. */
export function Notices({
  params,
  errors = [],
}: {
  params: Record<string, string | undefined>;
  errors?: GraphQLErrorShape[];
}) {
  const unavailable = errors.some((error) => error.extensions?.code === 'UPSTREAM_UNAVAILABLE');
  return (
    <>
      {params.notice ? <Alert kind="success">{params.notice}</Alert> : null}
      {params.error ? <Alert kind="error">{params.error}</Alert> : null}
      {unavailable ? (
        <Alert kind="error">
          Part of this page is unavailable right now; what is shown is still up to date.
        </Alert>
      ) : null}
    </>
  );
}
