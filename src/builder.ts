/** docker.builder — build cache. STUB — being written. */
import type { DockerClient } from './client.js';

export class Builder {
  constructor(private readonly docker: DockerClient) {}
}
