import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { buildPackage, parsePackage, QTI_LIMITS, questionToItem, zipFiles } from '../src/domain/qti.ts';
import { checkSpec, drawFor, grade, type QuestionSpec } from '../src/domain/questions/index.ts';
import { problems } from '../src/problems.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are per-type shapes
type Any = any;

function authored(input: unknown): QuestionSpec {
  const { spec, problems: found } = checkSpec(input);
  assert.deepEqual(found, []);
  return spec!;
}

/** Sample answers per type, given the attempt's draw (tokens are per attempt). */
const SAMPLES: Record<string, { spec: unknown; answers: (drawn: Any) => unknown[] }> = {
  multiple_choice: {
    spec: {
      type: 'multiple_choice',
      prompt: 'Capital of France?\n\nPick one  (spaces kept).',
      choices: [
        { id: 'a', text: 'Paris', correct: true, feedback: 'Right: the Seine.' },
        { id: 'b', text: 'Lyon & <Marseille>' },
        { id: 'c', text: 'Nice' },
      ],
      shuffleChoices: false,
    },
    answers: (d) => Object.keys(d.tokens).map((choice) => ({ choice })),
  },
  true_false: {
    spec: { type: 'true_false', prompt: 'Water boils at 100 °C at sea level.', correct: true },
    answers: () => [{ value: true }, { value: false }],
  },
  multiple_answers: {
    spec: {
      type: 'multiple_answers',
      prompt: 'Prime numbers?',
      choices: [
        { id: 'two', text: '2', correct: true },
        { id: 'three', text: '3', correct: true },
        { id: 'four', text: '4' },
      ],
      scoring: 'right_minus_wrong',
    },
    answers: (d) => {
      const t = Object.keys(d.tokens);
      return [{ choices: t }, { choices: t.slice(0, 1) }, { choices: [] }, { choices: t.slice(0, 2) }];
    },
  },
  multiple_answers_partial: {
    spec: {
      type: 'multiple_answers',
      prompt: 'Even numbers?',
      choices: [
        { id: 'a', text: '2', correct: true },
        { id: 'b', text: '3' },
      ],
      scoring: 'partial',
    },
    answers: (d) => [{ choices: Object.keys(d.tokens) }, { choices: [] }],
  },
  short_answer: {
    spec: {
      type: 'short_answer',
      prompt: 'Name the largest planet.',
      accepted: [
        { text: 'Jupiter', credit: 1 },
        { text: 'jup*', credit: 0.5 },
      ],
    },
    answers: () => [{ text: 'jupiter' }, { text: 'Jupyter' }, { text: 'Saturn' }],
  },
  numerical: {
    spec: {
      type: 'numerical',
      prompt: 'How long is the rod?',
      answers: [
        { value: 1.5, tolerance: 0.01, credit: 1 },
        { value: 1.5, tolerance: 0.1, toleranceMode: 'relative', credit: 0.5 },
      ],
      units: [
        { unit: 'm', multiplier: 1 },
        { unit: 'cm', multiplier: 0.01 },
      ],
      unitPenalty: 0.5,
    },
    answers: () => [
      { text: '1.5 m' },
      { text: '150 cm' },
      { text: '1.6 m' },
      { text: '1.5' },
      { text: '9 m' },
    ],
  },
  essay: {
    spec: {
      type: 'essay',
      prompt: 'Discuss the causes of WW1.',
      maxWords: 500,
      graderNotes: 'Alliances, nationalism.',
    },
    answers: () => [{ text: 'An essay' }],
  },
  matching: {
    spec: {
      type: 'matching',
      prompt: 'Match the capitals.',
      pairs: [
        { id: 'fr', prompt: 'France', match: 'Paris' },
        { id: 'de', prompt: 'Germany', match: 'Berlin' },
      ],
      distractors: ['Vienna'],
    },
    answers: (d) => {
      const byPair = Object.fromEntries(d.options.map((o: Any) => [o.pair ?? `d${o.distractor}`, o.token]));
      return [{ matches: { fr: byPair.fr, de: byPair.de } }, { matches: { fr: byPair.de, de: byPair.d0 } }];
    },
  },
  ordering: {
    spec: {
      type: 'ordering',
      prompt: 'Order the planets from the sun.',
      items: [
        { id: 'mercury', text: 'Mercury' },
        { id: 'venus', text: 'Venus' },
        { id: 'earth', text: 'Earth' },
      ],
      scoring: 'adjacent',
    },
    answers: () => [{ order: ['mercury', 'venus', 'earth'] }, { order: ['venus', 'earth', 'mercury'] }],
  },
  cloze: {
    spec: {
      type: 'cloze',
      text: 'The {{animal}} has {{legs}} legs and is {{colour}}.',
      blanks: [
        { id: 'animal', kind: 'text', accepted: ['cat', 'kitten'] },
        { id: 'legs', kind: 'numeric', value: 4, tolerance: 0 },
        { id: 'colour', kind: 'choice', options: ['black', 'green'], correct: 0 },
      ],
    },
    answers: (d) => [
      {
        blanks: { animal: 'Cat', legs: '4', colour: d.options.colour.find((o: Any) => o.index === 0).token },
      },
      {
        blanks: {
          animal: 'dog',
          legs: '4.5',
          colour: d.options.colour.find((o: Any) => o.index === 1).token,
        },
      },
    ],
  },
  cloze_one_blank: {
    spec: {
      type: 'cloze',
      text: 'Two plus two is {{sum}}.',
      blanks: [{ id: 'sum', kind: 'numeric', value: 4 }],
    },
    answers: () => [{ blanks: { sum: '4' } }, { blanks: { sum: '5' } }],
  },
  file_response: {
    spec: {
      type: 'file_response',
      prompt: 'Upload your lab report.',
      maxFiles: 2,
      accept: ['application/pdf', 'image/png'],
      graderNotes: 'Check the graphs.',
    },
    answers: () => [{ fileIds: ['8a7f0b7e-1f55-4c36-9b1f-0d7f2b1c9e11'] }],
  },
  text_only: {
    spec: { type: 'text_only', text: 'Read the passage below before answering.' },
    answers: () => [null],
  },
};

describe('QTI 2.1 round trip: export then import gives the same question and the same grades', () => {
  for (const [name, sample] of Object.entries(SAMPLES)) {
    test(name, () => {
      const spec = authored(sample.spec);
      const points = spec.type === 'text_only' ? 0 : 2.5;
      const { zip, report } = buildPackage({ id: 'bank-1', title: 'Bank' }, [
        {
          questionId: 'q1',
          identifier: `item-${name}`,
          title: `Question ${name} & co`,
          tags: ['unit-1'],
          points,
          spec,
        },
      ]);
      assert.equal(report.notExported.length, 0);
      const [item, ...rest] = parsePackage(zip);
      assert.equal(rest.length, 0);
      assert.equal(item!.skipped, undefined, item!.skipped);
      assert.equal(item!.identifier, `item-${name}`);
      assert.equal(item!.title, `Question ${name} & co`);
      assert.deepEqual(item!.question!.tags, ['unit-1']);
      assert.equal(item!.question!.points, points);
      const imported = authored(item!.question!.spec);
      assert.deepEqual(imported, spec);
      const drawn = drawFor(spec, 'seed', 'q1');
      const drawnAgain = drawFor(imported, 'seed', 'q1');
      assert.deepEqual(drawnAgain, drawn);
      for (const answer of sample.answers(drawn))
        assert.deepEqual(
          grade(imported, drawnAgain, answer),
          grade(spec, drawn, answer),
          JSON.stringify(answer),
        );
    });
  }

  test('a single item XML imports on its own (without the manifest extension: QTI semantics)', () => {
    const spec = authored(SAMPLES.multiple_answers!.spec);
    const item = questionToItem({ identifier: 'solo', title: 'Solo', tags: [], points: 1, spec });
    assert.ok('xml' in item);
    const [parsed] = parsePackage(strToU8(item.xml));
    assert.deepEqual(authored(parsed!.question!.spec), spec);
  });

  test('calculated questions are reported, not exported', () => {
    const spec = authored({
      type: 'calculated',
      prompt: 'What is {a} + {b}?',
      variables: [
        { name: 'a', min: 1, max: 9 },
        { name: 'b', min: 1, max: 9 },
      ],
      formula: 'a + b',
    });
    const { zip, report } = buildPackage({ id: 'b', title: 'B' }, [
      { questionId: 'q9', identifier: 'calc', title: 'Sum', tags: [], points: 1, spec },
    ]);
    assert.deepEqual(report.exported, []);
    assert.equal(report.notExported[0]!.questionId, 'q9');
    assert.match(report.notExported[0]!.reason, /random variables/);
    assert.throws(
      () => parsePackage(zip),
      (e) => problems.is(e, 'qti-invalid'),
    );
  });
});

const itemXml = (body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="i1" title="T" adaptive="false" timeDependent="false">
${extra}<itemBody>${body}</itemBody></assessmentItem>`;

const refused = (code: 'qti-invalid' | 'qti-unsafe' | 'qti-too-large') => (e: unknown) =>
  problems.is(e, code);

describe('hostile QTI input is refused, never parsed into questions', () => {
  test('a DOCTYPE with an external entity (XXE)', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${itemXml('<p>&e;</p>').replace(/^<\?xml[^>]*>/, '')}`;
    assert.throws(() => parsePackage(strToU8(xml)), refused('qti-unsafe'));
  });
  test('entity expansion (billion laughs) inside a package', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>`;
    assert.throws(() => parsePackage(zipFiles({ 'imsmanifest.xml': bomb })), refused('qti-unsafe'));
  });
  test('nesting deeper than the limit', () => {
    const deep = `${'<div>'.repeat(QTI_LIMITS.maxDepth + 5)}x${'</div>'.repeat(QTI_LIMITS.maxDepth + 5)}`;
    assert.throws(() => parsePackage(strToU8(itemXml(deep))), refused('qti-unsafe'));
  });
  test('a zip entry that climbs out of the package', () => {
    assert.throws(
      () => parsePackage(zipFiles({ 'imsmanifest.xml': '<manifest/>', '../../etc/evil.xml': '<a/>' })),
      refused('qti-unsafe'),
    );
  });
  test('a manifest href that climbs out of the package', () => {
    const manifest = `<manifest><resources><resource identifier="r" type="imsqti_item_xmlv2p1" href="../outside.xml"/></resources></manifest>`;
    assert.throws(() => parsePackage(zipFiles({ 'imsmanifest.xml': manifest })), refused('qti-unsafe'));
  });
  test('a zip bomb: XML that inflates past the limits', () => {
    const huge = new Uint8Array(QTI_LIMITS.maxXmlBytes + 1).fill(0x20);
    const zip = zipSync({ 'imsmanifest.xml': huge }, { level: 9 });
    assert.ok(zip.length < 10_000);
    assert.throws(() => parsePackage(zip), refused('qti-too-large'));
  });
  test('too many entries', () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i <= QTI_LIMITS.maxEntries; i++) files[`f${i}.txt`] = new Uint8Array(0);
    assert.throws(() => parsePackage(zipSync(files)), refused('qti-unsafe'));
  });
  test('garbage that is neither zip nor XML, a broken zip, malformed XML', () => {
    assert.throws(() => parsePackage(strToU8('hello, world')), refused('qti-invalid'));
    assert.throws(() => parsePackage(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3])), refused('qti-invalid'));
    assert.throws(
      () => parsePackage(strToU8('<assessmentItem><itemBody></assessmentItem>')),
      refused('qti-invalid'),
    );
  });
});

describe('import of items written by other tools', () => {
  test('unsupported interactions are skipped by name with a reason', () => {
    const [item] = parsePackage(
      strToU8(
        itemXml(
          '<hotspotInteraction responseIdentifier="R"><object data="a.png" type="image/png"/></hotspotInteraction>',
        ),
      ),
    );
    assert.equal(item!.identifier, 'i1');
    assert.match(item!.skipped!, /hotspotInteraction is not supported/);
  });
  test('associateInteraction pairs become a matching question, unpaired choices its distractors', () => {
    const decl = `<responseDeclaration identifier="R" cardinality="multiple" baseType="pair"><correctResponse><value>fr paris</value><value>de berlin</value></correctResponse></responseDeclaration>`;
    const body = `<associateInteraction responseIdentifier="R" maxAssociations="2"><prompt>Pair them.</prompt>
      <simpleAssociableChoice identifier="fr" matchMax="1">France</simpleAssociableChoice>
      <simpleAssociableChoice identifier="paris" matchMax="1">Paris</simpleAssociableChoice>
      <simpleAssociableChoice identifier="de" matchMax="1">Germany</simpleAssociableChoice>
      <simpleAssociableChoice identifier="berlin" matchMax="1">Berlin</simpleAssociableChoice>
      <simpleAssociableChoice identifier="rome" matchMax="1">Rome</simpleAssociableChoice></associateInteraction>`;
    const [item] = parsePackage(strToU8(itemXml(body, decl)));
    assert.deepEqual(authored(item!.question!.spec), {
      type: 'matching',
      prompt: 'Pair them.',
      pairs: [
        { id: 'fr', prompt: 'France', match: 'Paris' },
        { id: 'de', prompt: 'Germany', match: 'Berlin' },
      ],
      distractors: ['Rome'],
      scoring: 'partial',
    });
  });
  test('a malformed item inside a package is skipped by name; the others import', () => {
    const manifest = `<manifest><resources>
      <resource identifier="good" type="imsqti_item_xmlv2p1" href="a.xml"/>
      <resource identifier="broken" type="imsqti_item_xmlv2p1" href="b.xml"/>
      <resource identifier="missing" type="imsqti_item_xmlv2p1" href="c.xml"/>
      <resource identifier="old" type="imsqti_xmlv1p2" href="d.xml"/></resources></manifest>`;
    const items = parsePackage(
      zipFiles({
        'imsmanifest.xml': manifest,
        'a.xml': itemXml('<p>Read this.</p>'),
        'b.xml': '<assessmentItem><itemBody>',
      }),
    );
    assert.deepEqual(
      items.map((i) => [i.identifier, i.skipped === undefined]),
      [
        ['i1', true],
        ['broken', false],
        ['missing', false],
        ['old', false],
      ],
    );
    assert.match(items[1]!.skipped!, /not well-formed/);
    assert.match(items[2]!.skipped!, /missing/);
    assert.match(items[3]!.skipped!, /QTI 1\.2/);
  });
  test('XHTML prompts become text; a text entry inside a sentence is a blank', () => {
    const decl = `<responseDeclaration identifier="R1" cardinality="single" baseType="string"><correctResponse><value>Paris</value></correctResponse></responseDeclaration>`;
    const [item] = parsePackage(
      strToU8(
        itemXml(
          '<p>The capital of <b>France</b> is <textEntryInteraction responseIdentifier="R1"/>.</p>',
          decl,
        ),
      ),
    );
    assert.deepEqual(item!.question!.spec, {
      type: 'cloze',
      text: 'The capital of France is {{R1}}.',
      blanks: [{ id: 'R1', kind: 'text', accepted: ['Paris'], caseSensitive: false }],
    });
  });
});
