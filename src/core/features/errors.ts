import { RuntimeError } from '../runtime/errors';
import { escapeControl } from '../text/escapeControl';
import { FEATURE_LIMITS } from './limits';

/** Text from a config or a Feature, made safe and short for a message. */
export function quote(s: string): string {
  return `'${escapeControl(s, { maxLength: FEATURE_LIMITS.maxQuoted })}'`;
}

/** A Feature problem the user fixes in devcontainer.json or the Feature: never retried. */
export function featureError(message: string, hint: string): RuntimeError {
  return new RuntimeError('invalidArgument', message, hint);
}
