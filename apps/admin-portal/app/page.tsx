import { redirect } from 'next/navigation';
import { viewer } from '@/lib/viewer';

export default async function Home() {
  const who = await viewer();
  redirect(!who ? '/sign-in' : who.superAdmin ? '/tenants' : '/users');
}
