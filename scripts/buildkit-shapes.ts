/**
 * The public types of decoded BuildKit trace events (`BuildkitStatus` and what it references) as plain
 * interfaces, generated from the same pinned .proto descriptors as generated/buildkit/*_pb.ts.
 *
 * Why a second rendering of the same messages: protoc-gen-es declares each message as
 * `Message<"name"> & {…}`, which makes every consumer's type-check load @bufbuild/protobuf's declarations
 * (66 files, 11 k lines) as soon as it touches a build's result, `skipLibCheck` or not — ~0.2 s (skipped) to
 * ~1 s (checked) of tsc CPU for one build call (bench/README.md, figure 6). These interfaces carry the same
 * fields with the same TypeScript types as protobuf-es's message shapes minus `$typeName`/`$unknown`, so the
 * decoded messages are assignable to them: src/streams/buildkit-events.ts assigns one to the other, and tsc fails
 * the build if they ever drift apart.
 *
 * Mapping (protobuf-es v2, no `json_types`): 64-bit integers bigint (string with `jstype = JS_STRING`), other
 * numbers number, bytes Uint8Array, enums number, message fields optional, lists T[], maps `{ [key: string]: V }`,
 * proto3 `optional` scalars optional (oneofs: none reached yet; the generator refuses them).
 */
import { createFileRegistry, fromBinary, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const LONG = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

function scalarType(t: ScalarType, longAsString: boolean): string {
  if (LONG.has(t)) return longAsString ? 'string' : 'bigint';
  if (t === ScalarType.BOOL) return 'boolean';
  if (t === ScalarType.STRING) return 'string';
  if (t === ScalarType.BYTES) return 'Uint8Array';
  return 'number';
}

/** The TypeScript type of one field's value (without optionality), queuing the messages it references. */
function valueType(f: DescField, names: Map<DescMessage, string>, queue: DescMessage[]): string {
  const ref = (m: DescMessage): string => {
    if (!names.has(m)) {
      names.set(m, m.name);
      queue.push(m);
    }
    return names.get(m)!;
  };
  switch (f.fieldKind) {
    case 'scalar':
      return scalarType(f.scalar, f.longAsString);
    case 'enum':
      return 'number';
    case 'message':
      return ref(f.message);
    case 'list':
      return `${f.listKind === 'scalar' ? scalarType(f.scalar, f.longAsString) : f.listKind === 'enum' ? 'number' : ref(f.message)}[]`;
    case 'map':
      return `{ [key: string]: ${f.mapKind === 'scalar' ? scalarType(f.scalar, false) : f.mapKind === 'enum' ? 'number' : ref(f.message)} }`;
  }
}

/** `export interface …` for `root` and every message it reaches, in the order first reached. */
export function renderShapes(descriptorSet: Uint8Array, root: string): string {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const top = registry.getMessage(root);
  if (!top) throw new Error(`buildkit-shapes: ${root} is not in the descriptor set`);
  const names = new Map<DescMessage, string>([[top, top.name]]);
  const queue = [top];
  const out: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i];
    const clash = [...names].find(([other, n]) => other !== m && n === names.get(m));
    if (clash) throw new Error(`buildkit-shapes: ${m.typeName} and ${clash[0].typeName} would share the name ${names.get(m)}`);
    out.push(`/** \`${m.typeName}\` (${m.file.proto.name}). */`, `export interface ${names.get(m)} {`);
    for (const member of m.members) {
      if (member.kind === 'oneof') {
        // protobuf-es renders a oneof as `{ case: "field"; value: T } | { case: undefined; value?: undefined }`;
        // no message StatusResponse reaches has one, so that rendering is left until one does.
        throw new Error(`buildkit-shapes: ${m.typeName}.${member.name} is a oneof, which this generator does not render yet`);
      } else {
        const optional = member.fieldKind === 'message' || (member.fieldKind !== 'list' && member.fieldKind !== 'map' && member.proto.proto3Optional);
        out.push(`  ${member.localName}${optional ? '?' : ''}: ${valueType(member, names, queue)};`);
      }
    }
    out.push('}', '');
  }
  return out.join('\n');
}
