/**
 * Engine answers that do not match the spec and are NOT fixed in the overlay, because the spec is right and the
 * engine is not: widening the type for everyone would make it lie about dockerd. Each is listed in
 * docs/conformance.md; a finding that matches none of them (nor is removed by an overlay fix) fails the check.
 */
export interface Deviation {
  name: string;
  /** Engine name prefix (`podman`, `dockerd`, or a full `podman 4.3.1`). */
  engine: string;
  /** The finding's place (validate.ts Finding.where) and the JSON-schema keyword that failed there. */
  where: string;
  keyword: string;
  why: string;
}

export const DEVIATIONS: readonly Deviation[] = [
  {
    name: 'podman-health-status-empty',
    engine: 'podman',
    where: 'Health.Status',
    keyword: 'enum',
    why:
      'Container inspect: podman 4.3 sends `State.Health` for a container without a healthcheck, with `Status: ""` ' +
      '(dockerd omits Health). The spec\'s enum (`none`, `starting`, `healthy`, `unhealthy`) is right; on podman expect "".',
  },
  {
    name: 'podman-cgroupns-mode-empty',
    engine: 'podman',
    where: 'HostConfig.CgroupnsMode',
    keyword: 'enum',
    why: 'Container inspect: podman 4.3 sends `CgroupnsMode: ""` (not `private` / `host`) when the container was created without one.',
  },
];

export function deviationFor(engine: string, where: string, keyword: string): Deviation | undefined {
  return DEVIATIONS.find((d) => engine.startsWith(d.engine) && d.where === where && d.keyword === keyword);
}
