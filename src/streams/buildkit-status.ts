/**
 * Decoding of BuildKit's `moby.buildkit.trace` payload: base64 of a protobuf `moby.buildkit.v1.StatusResponse`,
 * decoded with the messages generated from BuildKit's own control.proto (generated/buildkit/).
 *
 * This module pulls in @bufbuild/protobuf and the generated descriptors; it is only ever loaded with a dynamic
 * import (buildkit-events.ts) on the first trace line, so clients that never build with BuildKit never load it.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { StatusResponseSchema, type StatusResponse } from '../../generated/buildkit/github.com/moby/buildkit/api/services/control/control_pb.js';
import { DockerProtocolError } from '../core/errors.js';

/** Standard base64 (what Go's encoding/json makes of a []byte), strictly: anything else is not a trace payload. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeStatusResponse(aux: string): StatusResponse {
  if (!BASE64.test(aux)) {
    throw new DockerProtocolError(`build: moby.buildkit.trace payload is not base64 (${aux.length} characters)`);
  }
  try {
    return fromBinary(StatusResponseSchema, Buffer.from(aux, 'base64'));
  } catch (cause) {
    throw new DockerProtocolError(`build: moby.buildkit.trace payload is not a BuildKit StatusResponse: ${(cause as Error).message}`, { cause });
  }
}
