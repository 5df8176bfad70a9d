import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { problems } from '../problems.ts';
import type { QuestionSpec } from './questions/index.ts';

/**
 * QTI 2.1 (IMS content package: imsmanifest.xml + one assessmentItem per question) to and from
 * EduSpry questions. Pure: bytes in, bytes out, no I/O. 2.1 rather than 3.0 because it is what
 * Canvas, Moodle and most item banks export. What QTI cannot carry (scoring modes other than its
 * response-processing templates, units, word limits, tags) travels in a documented EduSpry
 * extension: one `<eduspry:question>` JSON element in the manifest resource's metadata, which
 * other tools ignore. Parsing is defensive: no DOCTYPE or entity declarations at all, bounded
 * nesting, zip entry count, per-entry and total uncompressed size, and no path traversal.
 */

export const QTI_NS = 'http://www.imsglobal.org/xsd/imsqti_v2p1';
export const EDUSPRY_NS = 'urn:eduspry:qti-extension:1';
const RP = 'http://www.imsglobal.org/question/qti_v2p1/rptemplates/';

export const QTI_LIMITS = {
  /** Entries of the zip (files and folders). */
  maxEntries: 2000,
  /** One XML file, uncompressed. */
  maxXmlBytes: 1024 * 1024,
  /** All XML files together, uncompressed (zip bombs). */
  maxTotalBytes: 32 * 1024 * 1024,
  maxItems: 1000,
  maxDepth: 40,
};

/** A question as the bank stores it (title, tags, points, the authored spec). */
export interface TransferQuestion {
  identifier: string;
  title: string;
  tags: string[];
  points: number;
  spec: QuestionSpec;
}

export type ParsedItem =
  | { identifier: string; title: string; question: Omit<TransferQuestion, 'identifier'>; skipped?: never }
  | { identifier: string; title: string; skipped: string; question?: never };

// ---------------------------------------------------------------------------------------------
// A small element tree over fast-xml-parser's ordered output.

interface XEl {
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
}
type XNode = XEl | string;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: QTI_LIMITS.maxDepth,
});

const builder = new XMLBuilder({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  suppressEmptyNode: true,
  // Not indented: whitespace inside mixed content (a cloze text) is content.
  format: false,
});

type Ordered = Record<string, unknown>;

function fromOrdered(nodes: Ordered[]): XNode[] {
  const out: XNode[] = [];
  for (const node of nodes) {
    if (typeof node['#text'] === 'string') {
      out.push(node['#text']);
      continue;
    }
    const name = Object.keys(node).find((k) => k !== ':@');
    if (!name || name.startsWith('?') || name === '#comment') continue;
    const attrs: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries((node[':@'] as Record<string, unknown>) ?? {}))
      if (!k.startsWith('xmlns')) attrs[k] = String(v);
    const children = Array.isArray(node[name]) ? fromOrdered(node[name] as Ordered[]) : [];
    out.push({ name, attrs, children });
  }
  return out;
}

function toOrdered(nodes: XNode[]): Ordered[] {
  return nodes.map((node) => {
    if (typeof node === 'string') return { '#text': node };
    const out: Ordered = { [node.name]: toOrdered(node.children) };
    if (Object.keys(node.attrs).length) out[':@'] = node.attrs;
    return out;
  });
}

const el = (
  name: string,
  attrs: Record<string, string | number | boolean | undefined> = {},
  ...children: XNode[]
): XEl => ({
  name,
  attrs: Object.fromEntries(
    Object.entries(attrs)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  ),
  children,
});

const elements = (node: XEl) => node.children.filter((c): c is XEl => typeof c !== 'string');
const child = (node: XEl | undefined, name: string) => node && elements(node).find((c) => c.name === name);
const childrenNamed = (node: XEl | undefined, name: string) =>
  node ? elements(node).filter((c) => c.name === name) : [];
function descendants(node: XEl, match: (e: XEl) => boolean, into: XEl[] = []): XEl[] {
  for (const c of elements(node)) {
    if (match(c)) into.push(c);
    descendants(c, match, into);
  }
  return into;
}

/** Parses one XML document safely: refused with a problem, never a parser's guess. */
function parseXml(text: string, what: string): XEl {
  if (text.length > QTI_LIMITS.maxXmlBytes) throw problems.create('qti-too-large', `${what} is over 1 MiB`);
  // No DTDs at all: no external entities, no entity expansion (billion laughs), nothing to fetch.
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    throw problems.create('qti-unsafe', `${what} declares a DOCTYPE or entities, which are not accepted`);
  const valid = XMLValidator.validate(text);
  if (valid !== true)
    throw problems.create('qti-invalid', `${what} is not well-formed XML: ${valid.err.msg}`);
  let parsed: Ordered[];
  try {
    parsed = parser.parse(text) as Ordered[];
  } catch (error) {
    const message = (error as Error).message;
    if (/nested/i.test(message))
      throw problems.create('qti-unsafe', `${what} nests elements deeper than ${QTI_LIMITS.maxDepth}`);
    throw problems.create('qti-invalid', `${what} could not be read: ${message}`);
  }
  const root = fromOrdered(parsed).find((n): n is XEl => typeof n !== 'string');
  if (!root) throw problems.create('qti-invalid', `${what} has no root element`);
  return root;
}

function serialise(root: XEl): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(toOrdered([root])) as string}`;
}

// ---------------------------------------------------------------------------------------------
// Text of XHTML content.

const BLOCK = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'table',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
]);
const NOT_CONTENT = new Set([
  'feedbackInline',
  'feedbackBlock',
  'rubricBlock',
  'templateBlock',
  'templateInline',
  'modalFeedback',
  'stylesheet',
]);

interface TextOptions {
  /** What an interaction becomes in the text (default: nothing). */
  interaction?: (e: XEl) => string;
}

const isInteraction = (e: XEl) => e.name.endsWith('Interaction');
const hasContent = (e: XEl): boolean =>
  e.name === 'img' ||
  e.children.some((c) =>
    typeof c === 'string' ? c.trim() !== '' : !NOT_CONTENT.has(c.name) && !isInteraction(c) && hasContent(c),
  );

/** Our own export keeps the text exactly in `<div class="eduspry-text">`; anything else is XHTML. */
function textOf(nodes: XNode[], options: TextOptions = {}): string {
  const content = nodes.filter((n) =>
    typeof n === 'string'
      ? n.trim() !== ''
      : !NOT_CONTENT.has(n.name) && !isInteraction(n) && (hasContent(n) || n.attrs.class === 'eduspry-text'),
  );
  const exact =
    content.length === 1 && typeof content[0] !== 'string' && content[0]!.attrs.class === 'eduspry-text';
  let out = '';
  const walk = (list: XNode[], raw: boolean) => {
    for (const node of list) {
      if (typeof node === 'string') {
        out += raw ? node : node.replace(/\s+/g, ' ');
        continue;
      }
      if (NOT_CONTENT.has(node.name)) continue;
      if (isInteraction(node)) {
        out += options.interaction?.(node) ?? '';
        continue;
      }
      if (node.name === 'img') {
        out += `[image${node.attrs.alt ? `: ${node.attrs.alt}` : ''}]`;
        continue;
      }
      const block = !raw && !exact && BLOCK.has(node.name);
      if (block) out += '\n';
      walk(node.children, raw || node.attrs.class === 'eduspry-text');
      if (block) out += '\n';
    }
  };
  walk(nodes, false);
  if (exact) return out;
  return out
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const textBlock = (text: string, ...inline: XNode[]) => el('div', { class: 'eduspry-text' }, text, ...inline);

// ---------------------------------------------------------------------------------------------
// Export.

export interface ExportReport {
  exported: { questionId: string; identifier: string; title: string; type: string }[];
  notExported: { questionId: string; title: string; type: string; reason: string }[];
}

const responseDeclaration = (
  identifier: string,
  cardinality: 'single' | 'multiple' | 'ordered',
  baseType: string,
  correct: string[] = [],
  mapping?: XEl,
) =>
  el(
    'responseDeclaration',
    { identifier, cardinality, baseType },
    ...(correct.length ? [el('correctResponse', {}, ...correct.map((v) => el('value', {}, v)))] : []),
    ...(mapping ? [mapping] : []),
  );

const outcomes = (points: number, scored: boolean) =>
  scored
    ? [
        el(
          'outcomeDeclaration',
          { identifier: 'SCORE', cardinality: 'single', baseType: 'float', normalMaximum: 1 },
          el('defaultValue', {}, el('value', {}, '0')),
        ),
        el(
          'outcomeDeclaration',
          { identifier: 'MAXSCORE', cardinality: 'single', baseType: 'float' },
          el('defaultValue', {}, el('value', {}, String(points))),
        ),
      ]
    : [];

const template = (name: string) => el('responseProcessing', { template: `${RP}${name}` });
const floatValue = (value: number) => el('baseValue', { baseType: 'float' }, String(value));
const setScore = (value: XEl) => el('setOutcomeValue', { identifier: 'SCORE' }, value);
const qtiTolerance = (tolerance: number, mode: 'absolute' | 'relative') => {
  // QTI's relative tolerance is a percentage; EduSpry's is a share of the expected value.
  const t = mode === 'relative' ? tolerance * 100 : tolerance;
  return { toleranceMode: mode, tolerance: `${t} ${t}` };
};

interface ItemParts {
  declarations: XEl[];
  body: XNode[];
  processing?: XEl;
  /** Settings QTI cannot carry, kept in the manifest's EduSpry extension. */
  extension?: Record<string, unknown>;
}

function itemParts(spec: QuestionSpec): ItemParts | string {
  switch (spec.type) {
    case 'multiple_choice':
      return {
        declarations: [
          responseDeclaration(
            'RESPONSE',
            'single',
            'identifier',
            spec.choices.filter((c) => c.correct).map((c) => c.id),
          ),
        ],
        body: [
          textBlock(spec.prompt),
          el(
            'choiceInteraction',
            { responseIdentifier: 'RESPONSE', shuffle: spec.shuffleChoices, maxChoices: 1 },
            ...spec.choices.map((c) =>
              el(
                'simpleChoice',
                { identifier: c.id },
                c.text,
                ...(c.feedback
                  ? [
                      el(
                        'feedbackInline',
                        { outcomeIdentifier: 'FEEDBACK', identifier: c.id, showHide: 'show' },
                        c.feedback,
                      ),
                    ]
                  : []),
              ),
            ),
          ),
        ],
        processing: template('match_correct'),
      };
    case 'true_false':
      return {
        declarations: [responseDeclaration('RESPONSE', 'single', 'identifier', [String(spec.correct)])],
        body: [
          textBlock(spec.prompt),
          el(
            'choiceInteraction',
            { responseIdentifier: 'RESPONSE', shuffle: false, maxChoices: 1 },
            el('simpleChoice', { identifier: 'true' }, 'True'),
            el('simpleChoice', { identifier: 'false' }, 'False'),
          ),
        ],
        processing: template('match_correct'),
      };
    case 'multiple_answers': {
      const correct = spec.choices.filter((c) => c.correct);
      const rightMinusWrong = spec.scoring === 'right_minus_wrong';
      const share = 1 / Math.max(1, correct.length);
      return {
        declarations: [
          responseDeclaration(
            'RESPONSE',
            'multiple',
            'identifier',
            correct.map((c) => c.id),
            rightMinusWrong
              ? el(
                  'mapping',
                  { lowerBound: 0, upperBound: 1, defaultValue: 0 },
                  ...spec.choices.map((c) =>
                    el('mapEntry', { mapKey: c.id, mappedValue: c.correct ? share : -share }),
                  ),
                )
              : undefined,
          ),
        ],
        body: [
          textBlock(spec.prompt),
          el(
            'choiceInteraction',
            { responseIdentifier: 'RESPONSE', shuffle: spec.shuffleChoices, maxChoices: 0 },
            ...spec.choices.map((c) => el('simpleChoice', { identifier: c.id }, c.text)),
          ),
        ],
        processing: template(rightMinusWrong ? 'map_response' : 'match_correct'),
        ...(spec.scoring === 'partial' ? { extension: { scoring: 'partial' } } : {}),
      };
    }
    case 'short_answer':
      return {
        declarations: [
          responseDeclaration(
            'RESPONSE',
            'single',
            'string',
            spec.accepted
              .filter((a) => a.credit === 1)
              .map((a) => a.text)
              .slice(0, 1),
            el(
              'mapping',
              { defaultValue: 0, lowerBound: 0, upperBound: 1 },
              ...spec.accepted.map((a) =>
                el('mapEntry', { mapKey: a.text, mappedValue: a.credit, caseSensitive: spec.caseSensitive }),
              ),
            ),
          ),
        ],
        body: [
          textBlock(spec.prompt),
          el('div', {}, el('textEntryInteraction', { responseIdentifier: 'RESPONSE' })),
        ],
        processing: template('map_response'),
        ...(spec.normaliseWhitespace === false ? { extension: { normaliseWhitespace: false } } : {}),
      };
    case 'numerical': {
      const best = spec.answers.find((a) => a.credit === 1) ?? spec.answers[0]!;
      return {
        declarations: [responseDeclaration('RESPONSE', 'single', 'float', [String(best.value)])],
        body: [
          textBlock(spec.prompt),
          el('div', {}, el('textEntryInteraction', { responseIdentifier: 'RESPONSE' })),
        ],
        processing: el(
          'responseProcessing',
          {},
          el(
            'responseCondition',
            {},
            ...spec.answers.map((a, i) =>
              el(
                i === 0 ? 'responseIf' : 'responseElseIf',
                {},
                el(
                  'equal',
                  qtiTolerance(a.tolerance, a.toleranceMode),
                  el('variable', { identifier: 'RESPONSE' }),
                  floatValue(a.value),
                ),
                setScore(floatValue(a.credit)),
              ),
            ),
          ),
        ),
        ...(spec.units.length ? { extension: { units: spec.units, unitPenalty: spec.unitPenalty } } : {}),
      };
    }
    case 'essay':
      return {
        declarations: [responseDeclaration('RESPONSE', 'single', 'string')],
        body: [
          textBlock(spec.prompt),
          ...(spec.graderNotes ? [el('rubricBlock', { view: 'scorer' }, textBlock(spec.graderNotes))] : []),
          el('extendedTextInteraction', { responseIdentifier: 'RESPONSE' }),
        ],
        ...(spec.maxWords ? { extension: { maxWords: spec.maxWords } } : {}),
      };
    case 'matching': {
      const share = 1 / spec.pairs.length;
      return {
        declarations: [
          responseDeclaration(
            'RESPONSE',
            'multiple',
            'directedPair',
            spec.pairs.map((p) => `${p.id} match_${p.id}`),
            spec.scoring === 'partial'
              ? el(
                  'mapping',
                  { defaultValue: 0, lowerBound: 0, upperBound: 1 },
                  ...spec.pairs.map((p) =>
                    el('mapEntry', { mapKey: `${p.id} match_${p.id}`, mappedValue: share }),
                  ),
                )
              : undefined,
          ),
        ],
        body: [
          textBlock(spec.prompt),
          el(
            'matchInteraction',
            { responseIdentifier: 'RESPONSE', shuffle: true, maxAssociations: spec.pairs.length },
            el(
              'simpleMatchSet',
              {},
              ...spec.pairs.map((p) =>
                el('simpleAssociableChoice', { identifier: p.id, matchMax: 1 }, p.prompt),
              ),
            ),
            el(
              'simpleMatchSet',
              {},
              ...spec.pairs.map((p) =>
                el(
                  'simpleAssociableChoice',
                  { identifier: `match_${p.id}`, matchMax: spec.pairs.length },
                  p.match,
                ),
              ),
              ...spec.distractors.map((d, i) =>
                el(
                  'simpleAssociableChoice',
                  { identifier: `distractor_${i}`, matchMax: spec.pairs.length },
                  d,
                ),
              ),
            ),
          ),
        ],
        processing: template(spec.scoring === 'partial' ? 'map_response' : 'match_correct'),
      };
    }
    case 'ordering':
      return {
        declarations: [
          responseDeclaration(
            'RESPONSE',
            'ordered',
            'identifier',
            spec.items.map((i) => i.id),
          ),
        ],
        body: [
          textBlock(spec.prompt),
          el(
            'orderInteraction',
            { responseIdentifier: 'RESPONSE', shuffle: true },
            ...spec.items.map((i) => el('simpleChoice', { identifier: i.id }, i.text)),
          ),
        ],
        processing: template('match_correct'),
        ...(spec.scoring !== 'all_or_nothing' ? { extension: { scoring: spec.scoring } } : {}),
      };
    case 'cloze': {
      const byId = new Map(spec.blanks.map((b) => [b.id, b]));
      const inline: XNode[] = [];
      let rest = spec.text;
      for (const match of spec.text.matchAll(/\{\{([A-Za-z0-9_-]+)\}\}/g)) {
        const blank = byId.get(match[1]!);
        if (!blank) continue;
        const at = rest.indexOf(match[0]);
        inline.push(rest.slice(0, at));
        rest = rest.slice(at + match[0].length);
        inline.push(
          blank.kind === 'choice'
            ? el(
                'inlineChoiceInteraction',
                { responseIdentifier: blank.id, shuffle: true },
                ...blank.options.map((o, i) => el('inlineChoice', { identifier: `${blank.id}_${i}` }, o)),
              )
            : el('textEntryInteraction', { responseIdentifier: blank.id }),
        );
      }
      inline.push(rest);
      const share = 1 / spec.blanks.length;
      return {
        declarations: spec.blanks.map((b) =>
          b.kind === 'text'
            ? responseDeclaration(
                b.id,
                'single',
                'string',
                [b.accepted[0]!],
                el(
                  'mapping',
                  { defaultValue: 0, lowerBound: 0, upperBound: 1 },
                  ...b.accepted.map((a) =>
                    el('mapEntry', { mapKey: a, mappedValue: 1, caseSensitive: b.caseSensitive }),
                  ),
                ),
              )
            : b.kind === 'numeric'
              ? responseDeclaration(b.id, 'single', 'float', [String(b.value)])
              : responseDeclaration(b.id, 'single', 'identifier', [`${b.id}_${b.correct}`]),
        ),
        body: [el('div', { class: 'eduspry-text' }, ...inline.filter((n) => n !== ''))],
        processing: el(
          'responseProcessing',
          {},
          setScore(floatValue(0)),
          ...spec.blanks.map((b) =>
            el(
              'responseCondition',
              {},
              el(
                'responseIf',
                {},
                b.kind === 'text'
                  ? el('gte', {}, el('mapResponse', { identifier: b.id }), floatValue(1))
                  : b.kind === 'numeric'
                    ? el(
                        'equal',
                        qtiTolerance(b.tolerance, b.toleranceMode),
                        el('variable', { identifier: b.id }),
                        el('correct', { identifier: b.id }),
                      )
                    : el(
                        'match',
                        {},
                        el('variable', { identifier: b.id }),
                        el('correct', { identifier: b.id }),
                      ),
                setScore(el('sum', {}, el('variable', { identifier: 'SCORE' }), floatValue(share))),
              ),
            ),
          ),
        ),
      };
    }
    case 'file_response':
      return {
        declarations: [responseDeclaration('RESPONSE', 'single', 'file')],
        body: [
          textBlock(spec.prompt),
          ...(spec.graderNotes ? [el('rubricBlock', { view: 'scorer' }, textBlock(spec.graderNotes))] : []),
          el('uploadInteraction', { responseIdentifier: 'RESPONSE', type: spec.accept[0] }),
        ],
        ...(spec.maxFiles !== 1 || spec.accept.length > 1
          ? { extension: { maxFiles: spec.maxFiles, accept: spec.accept } }
          : {}),
      };
    case 'text_only':
      return { declarations: [], body: [textBlock(spec.text)] };
    case 'calculated':
      return 'calculated questions draw random variables per attempt; QTI 2.1 item templates are not exported';
  }
}

/** One question as a QTI 2.1 assessmentItem, or why it cannot be one. */
export function questionToItem(
  question: TransferQuestion,
): { xml: string; extension?: Record<string, unknown> } | { reason: string } {
  const parts = itemParts(question.spec);
  if (typeof parts === 'string') return { reason: parts };
  const scored = question.spec.type !== 'text_only';
  const root = el(
    'assessmentItem',
    {
      xmlns: QTI_NS,
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': `${QTI_NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1p2.xsd`,
      identifier: question.identifier,
      title: question.title,
      adaptive: false,
      timeDependent: false,
    },
    ...parts.declarations,
    ...outcomes(question.points, scored),
    el('itemBody', {}, ...parts.body),
    ...(parts.processing ? [parts.processing] : []),
  );
  const extension = { ...(parts.extension ?? {}), ...(question.tags.length ? { tags: question.tags } : {}) };
  return { xml: serialise(root), ...(Object.keys(extension).length ? { extension } : {}) };
}

/** A QTI identifier for a question: the one it was imported with, else one from its id. */
export const identifierFor = (questionId: string, imported: string | null) =>
  imported ?? `eduspry-${questionId}`;

const safeFileName = (identifier: string) => identifier.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 100);

/** The bank as an IMS content package (zip) and what could not be exported. */
export function buildPackage(
  bank: { id: string; title: string },
  questions: (TransferQuestion & { questionId: string })[],
): { zip: Uint8Array; report: ExportReport } {
  const report: ExportReport = { exported: [], notExported: [] };
  const files: Record<string, Uint8Array> = {};
  const resources: XEl[] = [];
  const usedNames = new Set<string>();
  for (const question of questions) {
    const item = questionToItem(question);
    if ('reason' in item) {
      report.notExported.push({
        questionId: question.questionId,
        title: question.title,
        type: question.spec.type,
        reason: item.reason,
      });
      continue;
    }
    let name = `items/${safeFileName(question.identifier)}.xml`;
    for (let n = 2; usedNames.has(name); n++) name = `items/${safeFileName(question.identifier)}-${n}.xml`;
    usedNames.add(name);
    files[name] = strToU8(item.xml);
    resources.push(
      el(
        'resource',
        { identifier: `RES-${safeFileName(question.identifier)}`, type: 'imsqti_item_xmlv2p1', href: name },
        ...(item.extension
          ? [
              el(
                'metadata',
                {},
                el('eduspry:question', { 'xmlns:eduspry': EDUSPRY_NS }, JSON.stringify(item.extension)),
              ),
            ]
          : []),
        el('file', { href: name }),
      ),
    );
    report.exported.push({
      questionId: question.questionId,
      identifier: question.identifier,
      title: question.title,
      type: question.spec.type,
    });
  }
  const manifest = el(
    'manifest',
    { xmlns: 'http://www.imsglobal.org/xsd/imscp_v1p1', identifier: `MANIFEST-${bank.id}` },
    el('metadata', {}, el('schema', {}, 'QTIv2.1 Package'), el('schemaversion', {}, '1.0.0')),
    el('organizations'),
    el('resources', {}, ...resources),
  );
  files['imsmanifest.xml'] = strToU8(serialise(manifest));
  files['eduspry-export-report.json'] = strToU8(JSON.stringify({ bank: bank.title, ...report }, null, 2));
  return { zip: zipSync(files, { level: 6 }), report };
}

// ---------------------------------------------------------------------------------------------
// Import.

interface Declaration {
  cardinality: string;
  baseType: string;
  correct: string[];
  mapping: { key: string; value: number; caseSensitive: boolean }[];
}

function declarationsOf(item: XEl): Map<string, Declaration> {
  const out = new Map<string, Declaration>();
  for (const d of childrenNamed(item, 'responseDeclaration')) {
    const mapping = child(d, 'mapping');
    out.set(d.attrs.identifier ?? '', {
      cardinality: d.attrs.cardinality ?? 'single',
      baseType: d.attrs.baseType ?? 'string',
      correct: childrenNamed(child(d, 'correctResponse'), 'value').map((v) => textOf(v.children)),
      mapping: childrenNamed(mapping, 'mapEntry').map((m) => ({
        key: m.attrs.mapKey ?? '',
        value: Number(m.attrs.mappedValue ?? 0),
        caseSensitive: m.attrs.caseSensitive === 'true',
      })),
    });
  }
  return out;
}

/** EduSpry ids are `[A-Za-z0-9_-]{1,64}`; QTI identifiers may hold dots and more. */
function idMaker() {
  const used = new Set<string>();
  const byRaw = new Map<string, string>();
  return (raw: string) => {
    const known = byRaw.get(raw);
    if (known) return known;
    let id = raw.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'id';
    for (let n = 2; used.has(id); n++) id = `${id.slice(0, 58)}_${n}`;
    used.add(id);
    byRaw.set(raw, id);
    return id;
  };
}

const templateOf = (item: XEl) => {
  const rp = child(item, 'responseProcessing');
  const uri = rp?.attrs.template ?? rp?.attrs.templateLocation ?? '';
  return (
    uri
      .split('/')
      .pop()
      ?.replace(/\.xml$/, '') ?? ''
  );
};

function toleranceOf(equal: XEl | undefined): { tolerance: number; toleranceMode: 'absolute' | 'relative' } {
  if (!equal || (equal.attrs.toleranceMode ?? 'exact') === 'exact')
    return { tolerance: 0, toleranceMode: 'absolute' };
  const first = Number((equal.attrs.tolerance ?? '0').trim().split(/\s+/)[0]);
  const t = Number.isFinite(first) && first >= 0 ? first : 0;
  return equal.attrs.toleranceMode === 'relative'
    ? { tolerance: t / 100, toleranceMode: 'relative' }
    : { tolerance: t, toleranceMode: 'absolute' };
}

const equalFor = (rp: XEl | undefined, identifier: string) =>
  rp
    ? descendants(
        rp,
        (e) =>
          e.name === 'equal' &&
          elements(e).some(
            (v) => (v.name === 'variable' || v.name === 'correct') && v.attrs.identifier === identifier,
          ),
      )[0]
    : undefined;

function pick<T>(extension: Record<string, unknown>, key: string, ok: (v: unknown) => v is T): T | undefined {
  return Object.hasOwn(extension, key) && ok(extension[key]) ? (extension[key] as T) : undefined;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

type Draft = Record<string, unknown> & { type: string };

/** One assessmentItem → an EduSpry question, or why it cannot be one (by name, never dropped). */
export function itemToQuestion(
  item: XEl,
  fallbackIdentifier: string,
  extension: Record<string, unknown> = {},
): ParsedItem {
  const identifier = (item.attrs.identifier?.trim() || fallbackIdentifier).slice(0, 200);
  const title = (item.attrs.title ?? identifier).trim().slice(0, 200) || identifier;
  const skip = (reason: string): ParsedItem => ({ identifier, title, skipped: reason });
  if (item.name !== 'assessmentItem') return skip(`the root element is ${item.name}, not assessmentItem`);
  if (child(item, 'templateDeclaration') || child(item, 'templateProcessing'))
    return skip('item templates (random variables) are not supported');
  const body = child(item, 'itemBody');
  if (!body) return skip('the item has no itemBody');
  const declarations = declarationsOf(item);
  const rp = child(item, 'responseProcessing');
  const interactions = descendants(body, (e) => e.name.endsWith('Interaction'));
  const id = idMaker();
  const maxScore = childrenNamed(item, 'outcomeDeclaration').find((o) => o.attrs.identifier === 'MAXSCORE');
  const maxValue = Number(textOf(child(child(maxScore, 'defaultValue'), 'value')?.children ?? []));
  const points = Number.isFinite(maxValue) && maxValue >= 0 && maxValue <= 10_000 && maxScore ? maxValue : 1;
  const tags = (pick(extension, 'tags', Array.isArray) ?? []).filter(isString).slice(0, 20);
  const graderNotes = descendants(
    body,
    (e) => e.name === 'rubricBlock' && (e.attrs.view ?? '').includes('scorer'),
  )
    .map((r) => textOf(r.children))
    .join('\n\n');
  const bodyText = (interaction?: (e: XEl) => string) =>
    textOf(body.children, interaction ? { interaction } : {});
  const promptWith = (interaction: XEl) => {
    const outside = bodyText();
    const inside = textOf(childrenNamed(interaction, 'prompt').flatMap((p) => p.children));
    return [outside, inside].filter(Boolean).join('\n\n');
  };
  const done = (spec: Draft): ParsedItem => ({
    identifier,
    title,
    question: { title, tags, points: spec.type === 'text_only' ? 0 : points, spec: spec as QuestionSpec },
  });

  if (interactions.length === 0) return done({ type: 'text_only', text: bodyText() });
  const inline = interactions.every(
    (i) => i.name === 'textEntryInteraction' || i.name === 'inlineChoiceInteraction',
  );
  if (interactions.length > 1 && !inline)
    return skip(
      `items with several interactions (${[...new Set(interactions.map((i) => i.name))].join(', ')}) are not supported`,
    );
  const interaction = interactions[0]!;
  const decl = declarations.get(interaction.attrs.responseIdentifier ?? '');
  const template = templateOf(item);

  // A blank inside running text is fill-in-the-blanks; a text entry on its own is a short answer.
  const inText = (e: XEl) =>
    descendants(body, (p) => p.children.includes(e)).some((p) =>
      p.children.some((c) => typeof c === 'string' && c.trim() !== ''),
    );
  if (
    inline &&
    (interactions.length > 1 || interaction.name === 'inlineChoiceInteraction' || inText(interaction))
  ) {
    const blanks: Record<string, unknown>[] = [];
    const blankIds = new Map<XEl, string>();
    for (const i of interactions) {
      const raw = i.attrs.responseIdentifier ?? '';
      const d = declarations.get(raw);
      const blankId = id(raw);
      blankIds.set(i, blankId);
      if (!d) return skip(`blank ${raw} has no responseDeclaration`);
      if (i.name === 'inlineChoiceInteraction') {
        const options = childrenNamed(i, 'inlineChoice');
        const correct = options.findIndex((o) => o.attrs.identifier === d.correct[0]);
        if (correct < 0) return skip(`blank ${raw} has no correct choice`);
        blanks.push({
          id: blankId,
          kind: 'choice',
          options: options.map((o) => textOf(o.children)),
          correct,
        });
      } else if (d.baseType === 'float' || d.baseType === 'integer') {
        const value = Number(d.correct[0]);
        if (!d.correct.length || !Number.isFinite(value))
          return skip(`blank ${raw} has no numeric correct response`);
        blanks.push({ id: blankId, kind: 'numeric', value, ...toleranceOf(equalFor(rp, raw)) });
      } else {
        const accepted = d.mapping.length
          ? d.mapping.filter((m) => m.value > 0).map((m) => m.key)
          : d.correct;
        if (!accepted.length) return skip(`blank ${raw} has no accepted answer`);
        blanks.push({
          id: blankId,
          kind: 'text',
          accepted: [...new Set(accepted)],
          caseSensitive: d.mapping.length ? d.mapping.some((m) => m.caseSensitive) : false,
        });
      }
    }
    return done({ type: 'cloze', text: bodyText((e) => `{{${blankIds.get(e)}}}`), blanks });
  }

  switch (interaction.name) {
    case 'choiceInteraction': {
      if (!decl) return skip('the interaction has no responseDeclaration');
      const choices = childrenNamed(interaction, 'simpleChoice').map((c) => ({
        raw: c.attrs.identifier ?? '',
        id: id(c.attrs.identifier ?? ''),
        text: textOf(c.children),
        feedback: textOf(childrenNamed(c, 'feedbackInline').flatMap((f) => f.children)),
      }));
      let correct = new Set(decl.correct);
      if (!correct.size && decl.mapping.length)
        correct = new Set(decl.mapping.filter((m) => m.value > 0).map((m) => m.key));
      if (!correct.size) return skip('the choice item has no correct response');
      const shuffleChoices = interaction.attrs.shuffle === 'true';
      const prompt = promptWith(interaction);
      if (decl.cardinality === 'single') {
        const texts = choices.map((c) => c.text.toLowerCase());
        if (choices.length === 2 && texts.includes('true') && texts.includes('false')) {
          const right = choices.find((c) => correct.has(c.raw));
          if (!right) return skip('the correct response names no choice');
          return done({ type: 'true_false', prompt, correct: right.text.toLowerCase() === 'true' });
        }
        if (choices.filter((c) => correct.has(c.raw)).length !== 1)
          return skip('a single-choice item needs exactly one correct choice');
        return done({
          type: 'multiple_choice',
          prompt,
          shuffleChoices,
          choices: choices.map((c) => ({
            id: c.id,
            text: c.text,
            correct: correct.has(c.raw),
            ...(c.feedback ? { feedback: c.feedback } : {}),
          })),
        });
      }
      const negative = decl.mapping.some((m) => m.value < 0);
      const scoring =
        pick(extension, 'scoring', isString) ??
        (template === 'map_response' && negative ? 'right_minus_wrong' : 'all_or_nothing');
      return done({
        type: 'multiple_answers',
        prompt,
        shuffleChoices,
        scoring,
        choices: choices.map((c) => ({ id: c.id, text: c.text, correct: correct.has(c.raw) })),
      });
    }
    case 'textEntryInteraction': {
      if (!decl) return skip('the interaction has no responseDeclaration');
      const prompt = promptWith(interaction);
      if (decl.baseType === 'float' || decl.baseType === 'integer') {
        const answers: { value: number; tolerance: number; toleranceMode: string; credit: number }[] = [];
        const branches = rp
          ? descendants(rp, (e) => e.name === 'responseIf' || e.name === 'responseElseIf')
          : [];
        for (const branch of branches) {
          const equal = child(branch, 'equal');
          const value = Number(textOf(child(equal, 'baseValue')?.children ?? []));
          const set = child(branch, 'setOutcomeValue');
          const credit = Number(textOf(child(set, 'baseValue')?.children ?? []));
          if (equal && Number.isFinite(value) && Number.isFinite(credit) && credit > 0)
            answers.push({ value, ...toleranceOf(equal), credit });
        }
        if (!answers.length && decl.correct.length) {
          const value = Number(decl.correct[0]);
          if (Number.isFinite(value))
            answers.push({
              value,
              ...toleranceOf(equalFor(rp, interaction.attrs.responseIdentifier ?? '')),
              credit: 1,
            });
        }
        if (!answers.length) return skip('the numeric item has no correct value');
        const top = Math.max(...answers.map((a) => a.credit));
        if (top > 1) for (const a of answers) a.credit /= top;
        const units = pick(extension, 'units', Array.isArray);
        const unitPenalty = pick(extension, 'unitPenalty', isNumber);
        return done({
          type: 'numerical',
          prompt,
          answers,
          ...(units ? { units } : {}),
          ...(unitPenalty !== undefined ? { unitPenalty } : {}),
        });
      }
      const top = Math.max(0, ...decl.mapping.map((m) => m.value));
      const accepted = decl.mapping.length
        ? decl.mapping
            .filter((m) => m.value > 0)
            .map((m) => ({ text: m.key, credit: Math.min(1, m.value / Math.max(top, 1)) }))
        : decl.correct.map((text) => ({ text, credit: 1 }));
      if (!accepted.length) return skip('the text entry item has no accepted answer');
      const normaliseWhitespace = pick(
        extension,
        'normaliseWhitespace',
        (v): v is boolean => typeof v === 'boolean',
      );
      return done({
        type: 'short_answer',
        prompt,
        accepted,
        caseSensitive: decl.mapping.some((m) => m.caseSensitive),
        ...(normaliseWhitespace !== undefined ? { normaliseWhitespace } : {}),
      });
    }
    case 'extendedTextInteraction': {
      const maxWords = pick(extension, 'maxWords', isNumber);
      return done({
        type: 'essay',
        prompt: promptWith(interaction),
        ...(maxWords !== undefined ? { maxWords } : {}),
        ...(graderNotes ? { graderNotes } : {}),
      });
    }
    case 'uploadInteraction': {
      const accept =
        pick(extension, 'accept', Array.isArray) ?? (interaction.attrs.type ? [interaction.attrs.type] : []);
      const maxFiles = pick(extension, 'maxFiles', isNumber);
      return done({
        type: 'file_response',
        prompt: promptWith(interaction),
        accept,
        ...(maxFiles !== undefined ? { maxFiles } : {}),
        ...(graderNotes ? { graderNotes } : {}),
      });
    }
    case 'orderInteraction': {
      if (!decl?.correct.length) return skip('the ordering item has no correct order');
      const items = new Map(
        childrenNamed(interaction, 'simpleChoice').map((c) => [c.attrs.identifier ?? '', textOf(c.children)]),
      );
      if (decl.correct.length !== items.size || !decl.correct.every((c) => items.has(c)))
        return skip('the correct order does not name every choice once');
      return done({
        type: 'ordering',
        prompt: promptWith(interaction),
        items: decl.correct.map((c) => ({ id: id(c), text: items.get(c)! })),
        scoring: pick(extension, 'scoring', isString) ?? 'all_or_nothing',
      });
    }
    case 'associateInteraction': {
      // One pool of choices paired with each other: the first of each correct pair is the prompt.
      if (!decl?.correct.length) return skip('the associate item has no correct pairs');
      const choices = new Map(
        childrenNamed(interaction, 'simpleAssociableChoice').map((c) => [
          c.attrs.identifier ?? '',
          textOf(c.children),
        ]),
      );
      const paired = new Set<string>();
      const pairs: { id: string; prompt: string; match: string }[] = [];
      for (const value of decl.correct) {
        const [a, b] = value.trim().split(/\s+/);
        if (!a || !b || !choices.has(a) || !choices.has(b))
          return skip(`the correct pair "${value}" names unknown choices`);
        if (paired.has(a) || paired.has(b)) return skip('a choice in several correct pairs is not supported');
        paired.add(a).add(b);
        pairs.push({ id: id(a), prompt: choices.get(a)!, match: choices.get(b)! });
      }
      return done({
        type: 'matching',
        prompt: promptWith(interaction),
        pairs,
        distractors: [...choices].filter(([c]) => !paired.has(c)).map(([, text]) => text),
        scoring: template === 'match_correct' ? 'all_or_nothing' : 'partial',
      });
    }
    case 'matchInteraction': {
      if (!decl?.correct.length) return skip('the matching item has no correct pairs');
      const [sources, targets] = childrenNamed(interaction, 'simpleMatchSet').map(
        (set) =>
          new Map(
            childrenNamed(set, 'simpleAssociableChoice').map((c) => [
              c.attrs.identifier ?? '',
              textOf(c.children),
            ]),
          ),
      );
      if (!sources || !targets) return skip('a matchInteraction needs two simpleMatchSets');
      const matchOf = new Map<string, string>();
      for (const value of decl.correct) {
        const [source, target] = value.trim().split(/\s+/);
        if (!source || !target || !sources.has(source) || !targets.has(target))
          return skip(`the correct pair "${value}" names unknown choices`);
        if (matchOf.has(source))
          return skip(`prompt ${source} has several correct matches, which is not supported`);
        matchOf.set(source, target);
      }
      if (matchOf.size !== sources.size) return skip('every prompt needs exactly one correct match');
      const used = new Set(matchOf.values());
      return done({
        type: 'matching',
        prompt: promptWith(interaction),
        pairs: [...sources].map(([source, text]) => ({
          id: id(source),
          prompt: text,
          match: targets.get(matchOf.get(source)!)!,
        })),
        distractors: [...targets].filter(([target]) => !used.has(target)).map(([, text]) => text),
        scoring: template === 'match_correct' ? 'all_or_nothing' : 'partial',
      });
    }
    default:
      return skip(`${interaction.name} is not supported`);
  }
}

// ---------------------------------------------------------------------------------------------
// Packages.

const decoder = new TextDecoder('utf-8', { fatal: false });
const decode = (bytes: Uint8Array) => decoder.decode(bytes).replace(/^\uFEFF/, '');

function checkEntryName(name: string): void {
  const segments = name.split('/');
  if (
    name.includes('\\') ||
    name.includes('\0') ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    segments.some((s) => s === '..' || s === '__proto__')
  )
    throw problems.create('qti-unsafe', `the zip entry "${name.slice(0, 200)}" points outside the package`);
}

function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  let entries = 0;
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        entries++;
        if (entries > QTI_LIMITS.maxEntries)
          throw problems.create('qti-unsafe', `the zip has more than ${QTI_LIMITS.maxEntries} entries`);
        checkEntryName(file.name);
        // Only XML is read; images and other media are never inflated.
        if (file.name.endsWith('/') || !/\.xml$/i.test(file.name)) return false;
        if (file.originalSize > QTI_LIMITS.maxXmlBytes)
          throw problems.create('qti-too-large', `${file.name.slice(0, 200)} is over 1 MiB uncompressed`);
        total += file.originalSize;
        if (total > QTI_LIMITS.maxTotalBytes)
          throw problems.create('qti-too-large', 'the package is over 32 MiB of XML uncompressed');
        return true;
      },
    });
  } catch (error) {
    if (problems.is(error, 'qti-unsafe') || problems.is(error, 'qti-too-large')) throw error;
    throw problems.create('qti-invalid', 'the file is not a readable zip');
  }
  return new Map(Object.entries(files));
}

/** Resolves a manifest href against the package root; never outside it. */
function resolveHref(base: string, href: string): string {
  let path: string;
  try {
    path = decodeURIComponent(href.split('#')[0]!.split('?')[0]!);
  } catch {
    path = href;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/'))
    throw problems.create('qti-unsafe', `the manifest points outside the package: ${href.slice(0, 200)}`);
  const parts: string[] = base ? base.split('/').filter(Boolean) : [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!parts.length)
        throw problems.create('qti-unsafe', `the manifest points outside the package: ${href.slice(0, 200)}`);
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join('/');
}

function extensionOf(resource: XEl): Record<string, unknown> {
  const node = descendants(resource, (e) => e.name === 'question')[0];
  if (!node) return {};
  const text = textOf(node.children);
  if (text.length > 20_000) return {};
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

const ITEM_TYPE = /^imsqti_item_xmlv2p[0-2]/i;

/**
 * A QTI 2.x package (zip with imsmanifest.xml) or one assessmentItem XML → every item it holds,
 * each either a question or skipped with its reason. Unsafe or unreadable files throw a problem.
 */
export function parsePackage(bytes: Uint8Array): ParsedItem[] {
  const head = decode(bytes.subarray(0, 64)).trimStart();
  let items: ParsedItem[];
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) items = parseZip(readZip(bytes));
  else if (head.startsWith('<')) items = [itemToQuestion(parseXml(decode(bytes), 'the item'), 'item')];
  else throw problems.create('qti-invalid', 'the body is neither a zip package nor an XML assessment item');
  // The identifier is what makes a re-import idempotent: a second item with it cannot be told apart.
  const seen = new Set<string>();
  return items.map((item) => {
    if (!seen.has(item.identifier)) {
      seen.add(item.identifier);
      return item;
    }
    return {
      identifier: item.identifier,
      title: item.title,
      skipped: 'another item of the package has the same identifier',
    };
  });
}

function parseZip(files: Map<string, Uint8Array>): ParsedItem[] {
  const manifestName =
    [...files.keys()].find((n) => n === 'imsmanifest.xml') ??
    [...files.keys()].find((n) => n.endsWith('/imsmanifest.xml'));
  const items: ParsedItem[] = [];
  const readItem = (path: string, fallback: string, extension: Record<string, unknown>) => {
    const bytes = files.get(path);
    if (!bytes) {
      items.push({ identifier: fallback, title: fallback, skipped: `${path} is missing from the package` });
      return;
    }
    let root: XEl;
    try {
      root = parseXml(decode(bytes), path.slice(0, 200));
    } catch (error) {
      // One broken item is reported by name; unsafe or oversized files refuse the whole package.
      if (!problems.is(error, 'qti-invalid')) throw error;
      items.push({ identifier: fallback, title: fallback, skipped: (error as Error).message });
      return;
    }
    items.push(itemToQuestion(root, fallback, extension));
  };
  if (!manifestName) {
    // Some tools zip loose items: every XML whose root is an assessmentItem.
    for (const [path, bytes] of files) {
      const root = parseXml(decode(bytes), path.slice(0, 200));
      if (root.name === 'assessmentItem') items.push(itemToQuestion(root, path));
    }
    if (!items.length)
      throw problems.create('qti-invalid', 'the zip has no imsmanifest.xml and no assessment items');
    return limit(items);
  }
  const base = manifestName.includes('/') ? manifestName.slice(0, manifestName.lastIndexOf('/')) : '';
  const manifest = parseXml(decode(files.get(manifestName)!), 'imsmanifest.xml');
  if (manifest.name !== 'manifest')
    throw problems.create('qti-invalid', 'imsmanifest.xml is not an IMS manifest');
  const resources = childrenNamed(child(manifest, 'resources'), 'resource');
  if (resources.length > QTI_LIMITS.maxItems)
    throw problems.create('qti-too-large', `the package holds more than ${QTI_LIMITS.maxItems} resources`);
  for (const resource of resources) {
    const type = resource.attrs.type ?? '';
    const identifier = resource.attrs.identifier ?? resource.attrs.href ?? 'resource';
    if (ITEM_TYPE.test(type)) {
      const href = resource.attrs.href ?? child(resource, 'file')?.attrs.href;
      if (!href) items.push({ identifier, title: identifier, skipped: 'the resource names no file' });
      else readItem(resolveHref(base, href), identifier, extensionOf(resource));
    } else if (/^imsqti_(xmlv1p|assessment_xmlv1p|item_xmlv1p)/i.test(type))
      items.push({
        identifier,
        title: identifier,
        skipped: 'QTI 1.2 items are not supported; export as QTI 2.1',
      });
    else if (/^imsqti_item_xmlv3/i.test(type))
      items.push({
        identifier,
        title: identifier,
        skipped: 'QTI 3.0 items are not supported; export as QTI 2.1',
      });
    // Tests, sections, web content (images, stylesheets) are not items.
  }
  if (!items.length) throw problems.create('qti-invalid', 'the manifest lists no QTI 2.1 assessment items');
  return limit(items);
}

function limit(items: ParsedItem[]): ParsedItem[] {
  if (items.length > QTI_LIMITS.maxItems)
    throw problems.create('qti-too-large', `the package holds more than ${QTI_LIMITS.maxItems} items`);
  return items;
}

/** For tests and tools: a zip of named files. */
export const zipFiles = (files: Record<string, string | Uint8Array>) =>
  zipSync(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])),
  );
