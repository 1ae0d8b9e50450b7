/** Image query parameters newer than the oldest engine API this client speaks (MIN_API_VERSION). */
import type { ParamSince } from '../core/since.js';

/** Per operation: query parameter → first API version that reads it (moby's API version history). */
export const IMAGE_PARAM_SINCE = {
  ImageList: { 'shared-size': '1.42', manifests: '1.47', identity: '1.54' },
  ImageInspect: { manifests: '1.48', platform: '1.49' },
  ImageHistory: { platform: '1.48' },
  ImageDelete: { platforms: '1.50' },
  ImagePush: { platform: '1.46' },
  ImageLoad: { platform: '1.48' },
  ImageGet: { platform: '1.48' },
  ImageGetAll: { platform: '1.48' },
} as const satisfies ParamSince;
