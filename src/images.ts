/**
 * docker.images — every image operation of the Engine API, each a thin typed wrapper over the generated paths.
 * Query-style calls live here; streamed ones (pull, push, import, load, save, build) in image-transfer.ts.
 * STUB — being written.
 */
import type { DockerClient } from './client.js';
import * as transfer from './image-transfer.js';

export class Images {
  constructor(private readonly docker: DockerClient) {}

  pull(ref: string, opts?: transfer.PullOptions) {
    return transfer.pullImage(this.docker, ref, opts);
  }
  push(ref: string, opts?: transfer.PushOptions) {
    return transfer.pushImage(this.docker, ref, opts);
  }
  import(source: Parameters<typeof transfer.importImage>[1], opts?: transfer.ImportOptions) {
    return transfer.importImage(this.docker, source, opts);
  }
  load(source: Parameters<typeof transfer.loadImages>[1], opts?: transfer.LoadOptions) {
    return transfer.loadImages(this.docker, source, opts);
  }
  save(nameOrNames: string | string[], opts?: transfer.SaveOptions) {
    return transfer.saveImages(this.docker, nameOrNames, opts);
  }
  build(context: Parameters<typeof transfer.buildImage>[1], opts?: transfer.BuildOptions) {
    return transfer.buildImage(this.docker, context, opts);
  }
}
