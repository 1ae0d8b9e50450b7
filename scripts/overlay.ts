/**
 * Known defects of the published Engine API swagger, fixed here during generation (never in the YAML,
 * never in generated/). Each fix is applied to the Swagger 2.0 object before conversion, only when the
 * defect is present, so a later spec that fixes it upstream passes through untouched. `applyOverlay`
 * returns the names of the fixes it applied, which generation prints. The `x-nullable` fixes the conformance
 * check found on real engines are data in overlay-nullable.ts.
 */
import { applyNullableFixes } from './overlay-nullable';

type Swagger = { paths?: Record<string, Record<string, { parameters?: Param[] }>> };
type Param = { name: string; in: string; type?: string; format?: string; collectionFormat?: string; schema?: Param & { type?: string; format?: string } };

interface Fix {
  name: string;
  why: string;
  apply(spec: Swagger): boolean;
}

function param(spec: Swagger, path: string, method: string, name: string): Param | undefined {
  return spec.paths?.[path]?.[method]?.parameters?.find((p) => p.name === name);
}

export const fixes: Fix[] = [
  {
    name: 'image-delete-platforms-multi',
    why:
      'DELETE /images/{name} declares `platforms` as an array with no collectionFormat (Swagger default: csv), ' +
      'but the daemon reads the parameter repeated, once per JSON-encoded platform (`r.Form["platforms"]`).',
    apply(spec) {
      const p = param(spec, '/images/{name}', 'delete', 'platforms');
      if (!p || p.type !== 'array' || p.collectionFormat) return false;
      p.collectionFormat = 'multi';
      return true;
    },
  },
  {
    name: 'image-create-binary-body',
    why:
      'POST /images/create declares its `inputImage` body (the tar for fromSrc=-) as a plain string; it is a ' +
      'binary stream like the other tar bodies, so it gets `format: binary` to be typed as a stream-capable body.',
    apply(spec) {
      const p = param(spec, '/images/create', 'post', 'inputImage');
      if (!p?.schema || p.schema.type !== 'string' || p.schema.format === 'binary') return false;
      p.schema.format = 'binary';
      return true;
    },
  },
];

export function applyOverlay(spec: Swagger): string[] {
  return [...fixes.filter((f) => f.apply(spec)).map((f) => f.name), ...applyNullableFixes(spec)];
}
