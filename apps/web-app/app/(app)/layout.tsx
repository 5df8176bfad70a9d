import { Button } from '@eduspry/ui-components';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { signOut } from '@/lib/actions';
import { isAdmin, isStaff, requireViewer } from '@/lib/viewer';

export default async function AppLayout({ children }: { children: ReactNode }) {
  const viewer = await requireViewer();
  return (
    <>
      <header className="header">
        <Link className="brand" href="/dashboard">
          EduSpry
        </Link>
        <nav className="nav" aria-label="Main">
          <Link href="/dashboard">My courses</Link>
          <Link href="/catalog">Catalog</Link>
          {isStaff(viewer) ? <Link href="/teach/new">New course</Link> : null}
          {isAdmin(viewer) ? <Link href="/admin/users">Users</Link> : null}
          <span>
            <span className="ui-visually-hidden">Signed in as </span>
            {viewer.displayName ?? viewer.email}
          </span>
          <form action={signOut}>
            <Button variant="link">Sign out</Button>
          </form>
        </nav>
      </header>
      <main id="main" className="main">
        {children}
      </main>
    </>
  );
}
