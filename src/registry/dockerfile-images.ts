/**
 * The images a Dockerfile makes the builder pull: `FROM` lines and `COPY/ADD --from=<image>`, with global `ARG`
 * defaults and the build's `buildargs` substituted the way the builder substitutes them in `FROM`, stage names
 * and `scratch` left out. Used to send `X-Registry-Config` for just those registries (the classic builder pulls
 * them with the credentials found there). Pure; a line it cannot read is skipped (the builder will report it).
 */

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;

/** The Dockerfile's logical lines: parser directives honoured, comments dropped, continuations joined. */
function logicalLines(text: string): string[] {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let i = 0;
  // Parser directives: only at the very top, before any comment, blank line or instruction.
  for (; i < physical.length; i++) {
    const m = DIRECTIVE.exec(physical[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
  }
  const out: string[] = [];
  let current = '';
  for (; i < physical.length; i++) {
    const line = physical[i];
    if (/^\s*#/.test(line)) continue; // comments, also inside a continued instruction
    const trimmed = line.replace(/\s+$/, '');
    if (trimmed.endsWith(escape)) {
      current += `${trimmed.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) out.push(current.trim());
    current = '';
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR:+alt}` as the builder expands them in FROM. */
function substitute(word: string, vars: Map<string, string>): string {
  return word.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced, op, arg, bare) => {
    const name = braced ?? bare;
    const value = vars.get(name);
    if (op === '-') return value ? value : arg;
    if (op === '+') return value ? arg : '';
    return value ?? '';
  });
}

/** Images named by the Dockerfile's FROM (and COPY/ADD --from) lines, in order, without duplicates. */
export function imagesInDockerfile(text: string, buildargs: Record<string, string> = {}): string[] {
  const globalArgs = new Map<string, string>();
  const stages = new Set<string>();
  const images: string[] = [];
  const add = (ref: string) => {
    if (!ref || ref.toLowerCase() === 'scratch' || stages.has(ref.toLowerCase()) || /^\d+$/.test(ref) || ref.includes('$')) return;
    if (!images.includes(ref)) images.push(ref);
  };
  let seenFrom = false;
  for (const line of logicalLines(text)) {
    const [instruction, ...words] = line.split(/\s+/);
    const op = instruction.toUpperCase();
    if (op === 'ARG' && !seenFrom) {
      // Only ARGs before the first FROM are visible in FROM lines; buildargs override their defaults.
      for (const decl of words) {
        const eq = decl.indexOf('=');
        const name = eq < 0 ? decl : decl.slice(0, eq);
        const dflt = eq < 0 ? undefined : decl.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2');
        const value = Object.hasOwn(buildargs, name) ? buildargs[name] : dflt;
        if (value !== undefined) globalArgs.set(name, value);
      }
    } else if (op === 'FROM') {
      seenFrom = true;
      const args = words.filter((w) => !w.startsWith('--'));
      const image = args[0] === undefined ? '' : substitute(args[0], globalArgs);
      add(image);
      if (args.length >= 3 && args[1].toLowerCase() === 'as') stages.add(args[2].toLowerCase());
    } else if (op === 'COPY' || op === 'ADD') {
      for (const w of words) {
        const m = /^--from=(.+)$/i.exec(w);
        if (m) add(m[1]);
      }
    }
  }
  return images;
}
