/**
 * The engines an image suite runs against: dockerd, and Podman's Docker-compatible API (`podman system
 * service`), both started by scripts/engine.sh. A suite is written once and run per engine:
 *
 *   describe.each(engines())('$name', (engine) => { beforeAll(() => { docker = engine.client(); }); … });
 *
 * Where an engine answers differently, the test says so on the spot:
 *
 *   engine.differs('podman', 'why, and what was observed', () => alternate assertions, () => standard assertions)
 *
 * On the named engine the alternate assertions run — the observed behaviour, asserted, so an engine that changes
 * makes the test fail and say which documented difference no longer holds; everywhere else the standard ones.
 * Nothing is skipped: a missing engine fails every test of its block with the reason.
 */
import { DockerClient } from '../../src/index';
import { engineHost, podmanHost } from './env';

export type EngineName = 'docker' | 'podman';

export interface Engine {
  readonly name: EngineName;
  /** DOCKER_HOST-style address. Reading it throws when the rig did not start this engine. */
  readonly host: string;
  /** A new client for this engine (throws like `host` when the engine is missing). */
  client(): DockerClient;
  /**
   * A documented difference: on engine `on` run `alternate` (what that engine does, asserted), on any other
   * engine `standard`. Each branch must make at least one assertion. Returns what the branch returned (await it
   * when the branches are async).
   */
  differs<A, S>(on: EngineName, why: string, alternate: () => A, standard: () => S): A | S;
  /**
   * How this engine spells an image name it reports back (RepoTags, `Untagged`, …).
   * Podman differs: it stores and reports every name fully qualified, `docker.io/library/busybox:latest` for
   * `busybox:latest`, `docker.io/dec/x:1` for `dec/x:1` (names with a registry part stay as they are).
   * dockerd reports names in the familiar form they were given in.
   */
  reportedName(name: string): string;
}

/** Both engines, dockerd first; use with `describe.each(engines())('$name', …)`. */
export function engines(): Engine[] {
  return [makeEngine('docker', engineHost), makeEngine('podman', requiredPodmanHost)];
}

function requiredPodmanHost(): string {
  const host = podmanHost();
  if (host === undefined) {
    // Failing (not skipping) is the point: a suite that silently ran against dockerd only would claim coverage it
    // does not have.
    throw new Error(
      'DEC_PODMAN_HOST is not set: the podman block of this suite needs the podman service of the rig ' +
        '(`scripts/engine.sh start --podman`, as `npm test` does)',
    );
  }
  return host;
}

function makeEngine(name: EngineName, address: () => string): Engine {
  return {
    name,
    get host() {
      return address();
    },
    client() {
      return new DockerClient({ host: address() });
    },
    differs<A, S>(on: EngineName, why: string, alternate: () => A, standard: () => S): A | S {
      if (why.trim() === '') throw new Error('differs(): say why the engines differ');
      const documented = name === on;
      const branch: () => A | S = documented ? alternate : standard;
      const before = expect.getState().assertionCalls;
      const checked = (): void => {
        if (expect.getState().assertionCalls === before) {
          throw new Error(`differs(): the ${documented ? `${on} (alternate)` : 'standard'} branch made no assertion (${why})`);
        }
      };
      const explain = (err: unknown): never => {
        if (documented && err instanceof Error) {
          err.message = `documented ${on} difference no longer holds — ${why}\n\n${err.message}`;
        }
        throw err;
      };
      let result: A | S;
      try {
        result = branch();
      } catch (err) {
        return explain(err);
      }
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => {
            checked();
            return value;
          },
          explain,
        ) as A | S;
      }
      checked();
      return result;
    },
    reportedName(reference: string): string {
      if (name !== 'podman') return reference;
      const slash = reference.indexOf('/');
      const first = slash < 0 ? '' : reference.slice(0, slash);
      // A first component with a dot or a port, or `localhost`, is a registry (the distribution reference rule).
      if (first.includes('.') || first.includes(':') || first === 'localhost') return reference;
      return slash < 0 ? `docker.io/library/${reference}` : `docker.io/${reference}`;
    },
  };
}
