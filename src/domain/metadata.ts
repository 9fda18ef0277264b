import { CofferError } from './errors.js';
import { limits } from './limits.js';

/** Metadata is a small map of strings; its size is bounded so rows stay small. */
export function checkMetadata(metadata: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, string>> {
  if (metadata === undefined) return {};
  const keys = Object.keys(metadata);
  if (keys.length > limits.metadataKeysMax) {
    throw new CofferError('metadata_too_large', `metadata has ${keys.length} keys; at most ${limits.metadataKeysMax} are allowed.`, [
      { field: 'metadata', message: 'too many keys' },
    ]);
  }
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new CofferError('validation_failed', `metadata.${key} must be a string.`, [{ field: `metadata.${key}`, message: 'must be a string' }]);
    }
    if (key.length > limits.metadataKeyLengthMax || value.length > limits.metadataValueLengthMax) {
      throw new CofferError(
        'metadata_too_large',
        `metadata keys are at most ${limits.metadataKeyLengthMax} characters and values at most ${limits.metadataValueLengthMax}.`,
        [{ field: `metadata.${key}`, message: 'too long' }],
      );
    }
  }
  return { ...(metadata as Record<string, string>) };
}
