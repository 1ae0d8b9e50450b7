/** Markdown rendering of a DiffReport. Pure function of the report, so it is as deterministic as the report. */
import { BREAKING_KINDS, isBreaking, type Change } from './changes';
import type { DiffReport, OperationRef, OperationSignature } from './diff';

const code = (s: string): string => `\`${s}\``;
const values = (vs: unknown[] | undefined): string => (vs ?? []).map((v) => code(typeof v === 'string' && !/^[0-9"]/.test(v) ? v : JSON.stringify(v))).join(', ');

const same = (c: Change): string => (c.sameShape ? ', same shape' : ' (differences below)');
const cf = (c: Change): string => (c.collectionFormat ? ` (collection format ${code(c.collectionFormat)})` : '');

function location(c: Change): string {
  const prop = c.path === '' ? '' : c.path.startsWith('[]') || c.path.startsWith('{}') ? ` items ${code(c.path)}` : ` property ${code(c.path)}`;
  switch (c.scope) {
    case 'operation':
      return c.name === 'produces' ? 'response media types' : c.name === 'consumes' ? 'request media types' : 'operation';
    case 'parameter':
      return `${c.in} parameter ${code(c.name ?? '')}${prop}`;
    case 'filter':
      return `filter key ${code(c.name ?? '')}`;
    case 'response-header':
      return `response ${c.status} header ${code(c.name ?? '')}`;
    case 'request-body':
      return `request body${prop}`;
    case 'response':
      return `response ${c.name}${prop}`;
    case 'model':
      return c.path === '' ? 'schema' : prop.trimStart();
  }
}

export function changeLine(c: Change): string {
  const at = location(c);
  const Cap = at.charAt(0).toUpperCase() + at.slice(1);
  switch (c.kind) {
    case 'added':
      return `${Cap} added${c.type ? `: ${code(c.type)}` : ''}${c.required ? ' (required)' : ''}${cf(c)}`;
    case 'removed':
      return `${Cap} removed${c.type ? ` (was ${code(c.type)})` : ''}`;
    case 'type-changed':
      return `${Cap} type changed: ${code(c.from ?? '')} → ${code(c.to ?? '')}${cf(c)}`;
    case 'enum-values-added':
      return `${Cap} enum values added: ${values(c.values)}`;
    case 'enum-values-removed':
      return `${Cap} enum values removed: ${values(c.values)}`;
    case 'now-required':
      return `${Cap} is now required`;
    case 'no-longer-required':
      return `${Cap} is no longer required`;
    case 'now-deprecated':
      return `${Cap} is now deprecated`;
    case 'no-longer-deprecated':
      return `${Cap} is no longer marked deprecated`;
    case 'location-changed':
      return `Parameter ${code(c.name ?? '')} moved from ${c.from} to ${c.to}`;
    case 'collection-format-changed':
      return `${Cap} collection format changed: ${code(c.from ?? '')} → ${code(c.to ?? '')}`;
    case 'default-changed':
      return `${Cap} default changed: ${code(c.from ?? '')} → ${code(c.to ?? '')}`;
    case 'composition-added':
      return `${Cap} now includes (allOf) ${values(c.values)}`;
    case 'composition-removed':
      return `${Cap} no longer includes (allOf) ${values(c.values)}`;
    case 'path-changed':
      return `Path template changed: ${code(c.from ?? '')} → ${code(c.to ?? '')}`;
    case 'operation-id-changed':
      return `operationId changed: ${code(c.from ?? '')} → ${code(c.to ?? '')}`;
    case 'renamed':
      return `${Cap} model renamed${same(c)}: ${code(c.from ?? '')} → ${code(c.to ?? '')}`;
    case 'extracted':
      return `${Cap} inline schema is now the model ${code(c.to ?? '')}${same(c)}`;
    case 'inlined':
      return `${Cap} model ${code(c.from ?? '')} is now an inline schema${same(c)}`;
    case 'now-documented':
      return `${Cap} schema now documented: ${code(c.to ?? '')} (was an untyped ${code(c.from ?? '')})`;
    case 'media-types-added':
      return `${Cap} added: ${values(c.values)}`;
    case 'media-types-removed':
      return `${Cap} removed: ${values(c.values)}`;
  }
}

const opName = (o: OperationRef): string => code(`${o.method} ${o.path}`);
const opLine = (o: OperationRef): string => `- ${opName(o)}${o.summary ? ` — ${o.summary}` : ''}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** An added operation and, indented under it, what it takes and answers. */
function addedOp(o: OperationRef & { signature: OperationSignature }): string[] {
  const s = o.signature;
  const sub = (text: string): string => `  - ${text}`;
  return [
    opLine(o),
    ...s.parameters.map((p) => sub(`${p.in} parameter ${code(p.name)}: ${code(p.type)}${p.required ? ' (required)' : ''}${p.collectionFormat ? ` (collection format ${code(p.collectionFormat)})` : ''}`)),
    ...(s.filters ? [sub(`filter keys: ${s.filters.map(code).join(', ')}`)] : []),
    ...(s.body
      ? [
          sub(
            `request body: ${code(s.body.type)}${s.body.required ? ' (required)' : ''}` +
              (s.body.fields ? ` with ${Object.entries(s.body.fields).map(([k, t]) => `${code(k)}: ${code(t)}`).join(', ')}` : ''),
          ),
        ]
      : []),
    ...Object.entries(s.responses).map(([status, t]) => sub(`response ${status}: ${code(t)}`)),
    ...(s.produces ? [sub(`produces ${s.produces.map(code).join(', ')}`)] : []),
    ...(s.consumes ? [sub(`consumes ${s.consumes.map(code).join(', ')}`)] : []),
  ];
}

/** Every change that can break an existing client, with where it is, for the top of the report. */
export function breakingLines(r: DiffReport): string[] {
  return [
    ...r.operations.removed.map((o) => `- ${opName(o)}: operation removed`),
    ...r.operations.changed.flatMap((o) => o.changes.filter(isBreaking).map((c) => `- ${opName(o)}: ${changeLine(c)}`)),
    ...r.models.removed.map((m) => `- model ${code(m)}: removed`),
    ...r.models.renamed.flatMap((m) => m.changes.filter(isBreaking).map((c) => `- model ${code(m.to)} (was ${code(m.from)}): ${changeLine(c)}`)),
    ...r.models.changed.flatMap((m) => m.changes.filter(isBreaking).map((c) => `- model ${code(m.name)}: ${changeLine(c)}`)),
  ];
}

export function renderMarkdown(r: DiffReport): string {
  const lines: string[] = [];
  lines.push(`# Engine API changes: v${r.old.version} → v${r.new.version}`, '');
  lines.push(`- old: ${code(r.old.label)} (${r.old.format}, API ${r.old.version})`);
  lines.push(`- new: ${code(r.new.label)} (${r.new.format}, API ${r.new.version})`);
  lines.push(
    '- compared: operations, parameters, filter keys, request/response bodies, media types, response headers, models (types, enums, required, deprecation, renames); descriptions and examples are not',
    '',
  );
  if (r.changeCount === 0) {
    lines.push('No API changes.');
    return `${lines.join('\n')}\n`;
  }
  const { operations: ops, models } = r;
  const breaking = breakingLines(r);
  lines.push(
    `${plural(r.changeCount, 'change')}, ${breaking.length} breaking: operations ${ops.added.length} added, ${ops.removed.length} removed, ${ops.changed.length} changed; ` +
      `models ${models.added.length} added, ${models.removed.length} removed, ${models.renamed.length} renamed, ${models.changed.length} changed.`,
  );
  const section = (title: string, body: string[]): void => {
    if (body.length) lines.push('', `## ${title}`, '', ...body);
  };
  section(`Breaking changes (${[...BREAKING_KINDS].map((k) => k.replace(/-/g, ' ')).join(', ')})`, breaking);
  section('Operations added', ops.added.flatMap(addedOp));
  section('Operations removed', ops.removed.map(opLine));
  section(
    'Operations changed',
    ops.changed.flatMap((o, i) => [...(i ? [''] : []), `### ${opName(o)}`, '', ...o.changes.map((c) => `- ${changeLine(c)}`)]),
  );
  section('Models added', models.added.map((m) => `- ${code(m)}`));
  section('Models removed', models.removed.map((m) => `- ${code(m)}`));
  section(
    'Models renamed',
    models.renamed.flatMap((m) => [
      `- ${code(m.from)} → ${code(m.to)}${m.sameShape ? ', same shape' : ''}${m.usedBy.length ? ` (used by ${m.usedBy.map(code).join(', ')})` : ''}`,
      ...m.changes.map((c) => `  - ${changeLine(c)}`),
    ]),
  );
  section(
    'Models changed',
    models.changed.flatMap((m, i) => [
      ...(i ? [''] : []),
      `### ${code(m.name)}`,
      '',
      m.usedBy.length ? `Used by ${m.usedBy.map(code).join(', ')}.` : 'Not used by any operation.',
      '',
      ...m.changes.map((c) => `- ${changeLine(c)}`),
    ]),
  );
  return `${lines.join('\n')}\n`;
}
