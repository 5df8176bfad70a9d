// Both languages of every app are complete, and pages take their words from the catalogs.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCK_REASONS } from '../../packages/contracts/src/access-problems.ts';
import {
  appSources,
  catalogFolders,
  catalogProblems,
  hardCodedText,
  ROOT,
  readCatalog,
} from '../lib/messages.ts';

test('every app with message catalogs has English and Spanish with the same keys and no empty message', () => {
  const folders = catalogFolders();
  assert.ok(
    folders.some((dir) => dir.endsWith('apps/web-app/messages')),
    'the web app has no catalogs',
  );
  assert.deepEqual(folders.flatMap(catalogProblems), []);
});

test('the check names a key missing in either language and an empty message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'messages-'));
  try {
    writeFileSync(join(dir, 'en.json'), JSON.stringify({ nav: { home: 'Home', help: 'Help' }, x: '' }));
    writeFileSync(join(dir, 'es.json'), JSON.stringify({ nav: { home: 'Inicio' }, x: 'x', extra: 'Extra' }));
    const problems = catalogProblems(dir);
    assert.ok(
      problems.some((p) => /es\.json is missing "nav\.help"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /en\.json is missing "extra"/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /en\.json has an empty or non-text "x"/.test(p)),
      problems.join('\n'),
    );
    assert.equal(problems.length, 3, problems.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no page or component of an app writes user-facing text into its JSX', () => {
  const files = appSources();
  assert.ok(files.length > 5, `only ${files.length} .tsx files found`);
  assert.deepEqual(
    files.flatMap((file) => hardCodedText(file)),
    [],
  );
});

test('the hard-coded text check catches JSX text and text props, and lets expressions and punctuation through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jsx-'));
  try {
    mkdirSync(join(dir, 'app'));
    const file = join(dir, 'app', 'page.tsx');
    const source = [
      'export default function P({ t }) {',
      '  return (<main>',
      '    <h1>Welcome back</h1>',
      '    <TextField label="Email" name="email" type="email" />',
      "    <Alert title={'Heads up'} />",
      '    <p>{t("ok")} · {t("fine")}</p>',
      "    <Badge>{ok ? 'Enrolled' : t('no')}</Badge>",
      "    <Select label={kind ?? 'Choose one'} name={ok && 'field'} />",
      '    <input name="q" type="search" id="field-q" />',
      '  </main>);',
      '}',
    ].join('\n');
    const found = hardCodedText(file, source);
    assert.equal(found.length, 5, found.join('\n'));
    assert.match(found[0]!, /page\.tsx:3: "Welcome back"/);
    assert.match(found[1]!, /label="Email"/);
    assert.match(found[2]!, /title="Heads up"/);
    assert.match(found[3]!, /page\.tsx:7: "Enrolled"/);
    assert.match(found[4]!, /page\.tsx:8: label="Choose one"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every lock reason of packages/contracts has its explanation in both languages of the web app', () => {
  const dir = join(ROOT, 'apps/web-app/messages');
  for (const language of ['en', 'es']) {
    const catalog = readCatalog(dir, language);
    const missing = LOCK_REASONS.filter((reason) => !catalog.has(`lockReasons.${reason}`));
    assert.deepEqual(missing, [], `${language}.json lacks lock reasons`);
  }
  assert.ok(LOCK_REASONS.includes('item-not-published'));
});

test("the web app's language from Accept-Language: weights, regional tags, unknown languages", async () => {
  const { negotiateLocale } = await import('../../apps/web-app/i18n/locales.ts');
  assert.equal(negotiateLocale('es-MX,es;q=0.9,en;q=0.5'), 'es');
  assert.equal(negotiateLocale('fr-FR, en;q=0.4, es;q=0.8'), 'es');
  assert.equal(negotiateLocale('en-US,en;q=0.9'), 'en');
  assert.equal(negotiateLocale('es;q=0, en;q=0.1'), 'en');
  assert.equal(negotiateLocale('de, fr'), null);
  assert.equal(negotiateLocale(''), null);
  assert.equal(negotiateLocale(`${'x,'.repeat(5000)}es`), null, 'an endless header is cut, not parsed');
});
