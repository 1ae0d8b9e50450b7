/**
 * Bad input to the spec tools (missing file, not YAML/JSON, not a Swagger/OpenAPI document, unresolvable
 * $ref). The CLIs print its message on one line and exit 2; anything else escaping is a bug in the tool.
 */
export class SpecInputError extends Error {
  override readonly name = 'SpecInputError';
}
