import { Skeleton } from '@eduspry/ui-components';

export default function Loading() {
  return (
    <>
      <div className="page-title" aria-hidden="true" />
      <Skeleton lines={3} height={160} />
    </>
  );
}
