/** Markdown rendering of a DiffReport. Pure function of the report, so it is as deterministic as the report. */
import type { Change } from './changes';
import type { DiffReport, OperationRef } from './diff';

const code = (s: string): string => `\`${s}\``;
const values = (vs: unknown[] | undefined): string => (vs ?? []).map((v) => code(typeof v === 'string' && !/^[0-9"]/.test(v) ? v : JSON.stringify(v))).join(', ');

const cf = (c: Change): string => (c.collectionFormat ? ` (collection format ${code(c.collectionFormat)})` : '');

function location(c: Change): string {
  const prop = c.path === '' ? '' : c.path.startsWith('[]') || c.path.startsWith('{}') ? ` items ${code(c.path)}` : ` property ${code(c.path)}`;
  switch (c.scope) {
    case 'operation':
      return 'operation';
    case 'parameter':
      return `${c.in} parameter ${code(c.name ?? '')}${prop}`;
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
  }
}

const opName = (o: OperationRef): string => code(`${o.method} ${o.path}`);
const opLine = (o: OperationRef): string => `- ${opName(o)}${o.summary ? ` — ${o.summary}` : ''}`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderMarkdown(r: DiffReport): string {
  const lines: string[] = [];
  lines.push(`# Engine API changes: v${r.old.version} → v${r.new.version}`, '');
  lines.push(`- old: ${code(r.old.label)} (${r.old.format}, API ${r.old.version})`);
  lines.push(`- new: ${code(r.new.label)} (${r.new.format}, API ${r.new.version})`);
  lines.push('- compared: operations, parameters, request/response bodies, models (types, enums, required, deprecation); descriptions and examples are not', '');
  if (r.changeCount === 0) {
    lines.push('No API changes.');
    return `${lines.join('\n')}\n`;
  }
  const { operations: ops, models } = r;
  lines.push(
    `${plural(r.changeCount, 'change')}: operations ${ops.added.length} added, ${ops.removed.length} removed, ${ops.changed.length} changed; ` +
      `models ${models.added.length} added, ${models.removed.length} removed, ${models.changed.length} changed.`,
  );
  const section = (title: string, body: string[]): void => {
    if (body.length) lines.push('', `## ${title}`, '', ...body);
  };
  section('Operations added', ops.added.map(opLine));
  section('Operations removed', ops.removed.map(opLine));
  section(
    'Operations changed',
    ops.changed.flatMap((o, i) => [...(i ? [''] : []), `### ${opName(o)}`, '', ...o.changes.map((c) => `- ${changeLine(c)}`)]),
  );
  section('Models added', models.added.map((m) => `- ${code(m)}`));
  section('Models removed', models.removed.map((m) => `- ${code(m)}`));
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
