/**
 * Event types and result reducers of the streamed image operations (pull, push, build, import, load).
 *
 * Event types are the spec's JSON message models plus the fields engines still send that the v1.55 spec no
 * longer lists (`error`, `progress`, push's `id` and `aux`, buildkit's string `aux`). Message shapes follow dockerd
 * (classic builder and buildkit) and Podman's Docker-compatible API; where they differ both are accepted.
 */
import { DockerStreamError } from '../core/errors.js';
import type { Schemas } from '../core/spec.js';
import { familiarName } from '../registry/reference.js';
import type { BuildkitTraceFields } from '../streams/buildkit-events.js';
import type { StreamMessage } from '../streams/progress-lines.js';
import type { StreamReducer } from '../streams/stream-operation.js';

/** Wire fields not (or no longer) in the spec's message models. */
export interface LegacyMessageFields extends StreamMessage {
  /** Deprecated pre-rendered progress bar (`[==>    ] 1.2MB/3.4MB`). */
  progress?: string;
}

/** The `aux` message that ends a successful push (Go's `types.PushResult`; not modelled in the spec). */
export interface PushAux {
  Tag?: string;
  Digest?: string;
  Size?: number;
}

export type PullEvent = Schemas['CreateImageInfo'] & LegacyMessageFields;
export type ImportEvent = Schemas['CreateImageInfo'] & LegacyMessageFields;
export type PushEvent = Schemas['PushImageInfo'] &
  LegacyMessageFields & {
    /** Layer the status is about (sent by engines, missing from the spec's PushImageInfo). */
    id?: string;
    aux?: PushAux;
  };
/** `aux` is the image ID object, or (buildkit, `id: "moby.buildkit.trace"`) a base64 protobuf status message. */
export type BuildEvent = Omit<Schemas['BuildInfo'], 'aux'> & LegacyMessageFields & { aux?: Schemas['BuildInfo']['aux'] | string } & BuildkitTraceFields;
export type LoadEvent = Pick<Schemas['BuildInfo'], 'id' | 'stream' | 'status' | 'progressDetail'> & LegacyMessageFields;

const IMAGE_ID = /^(?:sha256:)?([0-9a-f]{64})$/;

function imageId(text: string | undefined): string | undefined {
  const m = text === undefined ? null : IMAGE_ID.exec(text.trim());
  return m ? `sha256:${m[1]}` : undefined;
}

/** Adds a name in familiar form unless already present (Podman reports each tag twice, once fully qualified). */
function addName(names: string[], name: string): void {
  const familiar = familiarName(name);
  if (!names.includes(familiar)) names.push(familiar);
}

function ended(operation: string, what: string): DockerStreamError {
  return new DockerStreamError(operation, `stream ended without ${what}`);
}

// ---- pull -------------------------------------------------------------------------------------------------

export interface PullResult {
  /** Status text of the last line (`Status: Downloaded newer image for busybox:latest`). */
  status: string;
  /** Manifest digest, when the engine reported one (`Digest: sha256:…`). */
  digest?: string;
  /** `id` of the last line, when it has one (Podman reports the short image ID there; dockerd does not). */
  id?: string;
}

export function pullReducer(): StreamReducer<PullEvent, PullResult> {
  let last: PullEvent | undefined;
  let digest: string | undefined;
  // dockerd starts with "Pulling from <repo>" and always ends with "Status: …"; Podman sends neither and ends
  // with "Download complete" carrying the image ID.
  let dockerd = false;
  return {
    operation: 'pull',
    next(event) {
      if (typeof event.status !== 'string') return;
      last = event;
      if (event.status.startsWith('Pulling from ')) dockerd = true;
      const m = /^Digest: (\S+)$/.exec(event.status);
      if (m) digest = m[1];
    },
    finish() {
      if (last?.status === undefined) throw ended('pull', 'any status');
      const status = last.status;
      const complete = dockerd ? status.startsWith('Status: ') : status.startsWith('Status: ') || status === 'Download complete' || status === 'Pull complete';
      if (!complete) throw ended('pull', `its final status (last status: ${JSON.stringify(status)})`);
      const result: PullResult = { status };
      if (digest !== undefined) result.digest = digest;
      if (last.id !== undefined) result.id = last.id;
      return result;
    },
  };
}

// ---- push -------------------------------------------------------------------------------------------------

export interface PushResult {
  tag: string;
  /** Manifest digest in the registry. */
  digest: string;
  /** Manifest size in bytes. */
  size: number;
}

export function pushReducer(): StreamReducer<PushEvent, PushResult> {
  let fromAux: PushResult | undefined;
  let fromStatus: PushResult | undefined;
  return {
    operation: 'push',
    next(event) {
      const aux = event.aux;
      if (typeof aux === 'object' && aux !== null && typeof aux.Digest === 'string') {
        fromAux = { tag: String(aux.Tag ?? ''), digest: aux.Digest, size: Number(aux.Size ?? 0) };
      }
      // "latest: digest: sha256:… size: 528" — dockerd sends it before the aux message; Podman sends only this.
      const m = typeof event.status === 'string' ? /^(\S+): digest: (\S+) size: (\d+)$/.exec(event.status) : null;
      if (m) fromStatus = { tag: m[1], digest: m[2], size: Number(m[3]) };
    },
    finish() {
      const result = fromAux ?? fromStatus;
      if (!result) throw ended('push', 'the pushed digest');
      return result;
    },
  };
}

// ---- build ------------------------------------------------------------------------------------------------

export interface BuildResult {
  /** Image ID, `sha256:…` (short form only from engines that report nothing but "Successfully built <id>"). */
  id: string;
  /** Tags applied, in familiar form (`demo:1`), as the builder reported them; the requested tags if it reported none. */
  tags: string[];
}

export interface BuildReducerOptions {
  /** The `t` values of the request, returned as `tags` when the builder does not report tagging. */
  tags?: readonly string[];
}

export function buildReducer(options: BuildReducerOptions = {}): StreamReducer<BuildEvent, BuildResult> {
  let auxId: string | undefined;
  let quietId: string | undefined;
  let shortId: string | undefined;
  const tags: string[] = [];
  return {
    operation: 'build',
    next(event) {
      const aux = event.aux;
      // Classic builder: one aux ID per stage, the last is the result. Buildkit: `id: "moby.image.id"`.
      if (typeof aux === 'object' && aux !== null && typeof aux.ID === 'string') auxId = aux.ID;
      if (typeof event.stream !== 'string') return;
      // Quiet mode: the only output is the full image ID on its own line.
      quietId = imageId(event.stream) ?? quietId;
      for (const line of event.stream.split('\n')) {
        const built = /^Successfully built ([0-9a-f]+)\s*$/.exec(line);
        if (built) shortId = built[1];
        const tagged = /^Successfully tagged (\S+)\s*$/.exec(line);
        if (tagged) addName(tags, tagged[1]);
      }
    },
    finish() {
      const id = auxId ?? quietId ?? shortId;
      if (id === undefined) throw ended('build', 'an image ID');
      if (tags.length === 0) for (const tag of options.tags ?? []) addName(tags, tag);
      return { id, tags };
    },
  };
}

// ---- import -----------------------------------------------------------------------------------------------

export interface ImportResult {
  /** ID of the imported image, `sha256:…`. */
  id: string;
}

export function importReducer(): StreamReducer<ImportEvent, ImportResult> {
  let id: string | undefined;
  return {
    operation: 'import',
    next(event) {
      // dockerd: {"status":"sha256:…"}; Podman: {"status":"<hex>","id":"<hex>"}.
      id = imageId(event.status) ?? imageId(event.id) ?? id;
    },
    finish() {
      if (id === undefined) throw ended('import', 'the imported image ID');
      return { id };
    },
  };
}

// ---- load -------------------------------------------------------------------------------------------------

export interface LoadResult {
  /** Names of the loaded images in familiar form (`busybox:latest`), for images the archive tagged. */
  names: string[];
  /** IDs (`sha256:…`) the engine reported for untagged images. */
  ids: string[];
}

export function loadReducer(): StreamReducer<LoadEvent, LoadResult> {
  const names: string[] = [];
  const ids: string[] = [];
  return {
    operation: 'load',
    next(event) {
      if (typeof event.stream !== 'string') return;
      for (const line of event.stream.split('\n')) {
        const byId = /^Loaded image ID: (\S+)\s*$/.exec(line);
        if (byId) {
          const id = imageId(byId[1]) ?? byId[1];
          if (!ids.includes(id)) ids.push(id);
          continue;
        }
        // dockerd: one line per name. Podman: one line, names joined by commas (names cannot contain commas).
        const byName = /^Loaded image(?:\(s\))?: (.+?)\s*$/.exec(line);
        if (byName) {
          for (const name of byName[1].split(',')) {
            const asId = imageId(name);
            if (asId) {
              if (!ids.includes(asId)) ids.push(asId);
            }
            else if (name !== '') addName(names, name);
          }
        }
      }
    },
    finish() {
      if (names.length === 0 && ids.length === 0) throw ended('load', 'reporting a loaded image');
      return { names, ids };
    },
  };
}
