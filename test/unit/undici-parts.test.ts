/**
 * transport.ts loads three undici modules directly instead of undici's index (which loads all of undici). These
 * must stay the very objects the index exports; an undici upgrade that moves or replaces them fails here.
 */
import * as undici from 'undici';
import Pool from 'undici/lib/dispatcher/pool.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import undiciErrors from 'undici/lib/core/errors.js';

describe('the undici parts transport.ts imports', () => {
  test('lib/dispatcher/pool.js is the exported Pool', () => {
    expect(Pool).toBe(undici.Pool);
  });

  test('lib/api/api-request.js is the request() every dispatcher has', () => {
    // The index attaches the api functions to Dispatcher.prototype; Pool inherits it.
    expect(dispatchRequest).toBe(undici.Pool.prototype.request);
    expect(dispatchRequest).toBe(undici.Dispatcher.prototype.request);
  });

  test('lib/core/errors.js is the exported errors object, classes included', () => {
    expect(undiciErrors).toBe(undici.errors);
    for (const name of ['UndiciError', 'HeadersTimeoutError', 'BodyTimeoutError', 'ConnectTimeoutError', 'ClientDestroyedError', 'ClientClosedError']) {
      expect(typeof (undiciErrors as unknown as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
