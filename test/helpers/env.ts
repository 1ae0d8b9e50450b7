/**
 * The private engines that scripts/engine.sh starts for `npm test`, as the env file it writes describes them.
 * A missing variable throws instead of skipping: a test that cannot reach its engine must fail loudly.
 */

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is not set: the tests need the private engine and registry that scripts/engine.sh starts; ` +
        'run the tests with `npm test`',
    );
  }
  return value;
}

/** The Docker engine under test, as a DOCKER_HOST address (`unix:///…/docker.sock`). */
export function engineHost(): string {
  return required('DOCKER_HOST');
}

/** Filesystem path of the engine's unix socket. */
export function engineSocketPath(): string {
  return socketPathOf('DOCKER_HOST', engineHost());
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`, as used in image references. */
  address: string;
  username: string;
  /** Contains `?????~~~~~`, so standard base64 of any JSON holding it has both `/` and `+`. */
  password: string;
}

/** The password-protected registry on loopback (plain http; the engine treats 127.0.0.0/8 as insecure). */
export function registry(): TestRegistry {
  return {
    address: required('DEC_TEST_REGISTRY'),
    username: required('DEC_TEST_REGISTRY_USER'),
    password: required('DEC_TEST_REGISTRY_PASSWORD'),
  };
}

/** A tiny image (static busybox, CMD sh) present in every engine under test. */
export function baseImage(): string {
  return required('DEC_TEST_BASE_IMAGE');
}

/** The podman service's DOCKER_HOST-style address, or undefined when the rig was started without podman. */
export function podmanHost(): string | undefined {
  const value = process.env.DEC_PODMAN_HOST;
  return value === undefined || value === '' ? undefined : value;
}

/** Filesystem path of a `unix://` address; anything else is a rig misconfiguration. */
export function socketPathOf(name: string, address: string): string {
  if (!address.startsWith('unix://')) {
    throw new Error(`${name}=${address} is not a unix:// address; run the tests with \`npm test\``);
  }
  return address.slice('unix://'.length);
}
