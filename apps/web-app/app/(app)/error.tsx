'use client';
import { Alert } from '@eduspry/ui-components';

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <>
      <h1 className="page-title">Something went wrong</h1>
      <Alert kind="error">
        This page could not be loaded. Some services may be unavailable; try again in a moment.
      </Alert>
      <button className="ui-button ui-button-primary" type="button" onClick={() => reset()}>
        Try again
      </button>
    </>
  );
}
