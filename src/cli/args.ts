// Typed checks for command-line values: one clear line for a bad value, no stack trace.
import { inputSizeError } from '../image/geometry';
import { DEFAULT_STEPS } from '../localize/faithfulness';

export class UsageError extends Error {
  override name = 'UsageError';
}

export function number(flag: string, value: string | undefined, min = -Infinity, max = Infinity): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a number${min > -Infinity ? ` from ${min}` : ''}${max < Infinity ? ` to ${max}` : ''}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function oneOf<T extends string>(flag: string, value: string | undefined, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** `--size N`: a network input side the models can run at, or undefined for the model's own. */
export function inputSize(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const err = inputSizeError(Number(value));
  if (err) throw new UsageError(`--size: ${err}`);
  return Number(value);
}

/** The faithfulness curves' step count (eval and locate's --steps). */
export function stepsArg(value: string | undefined): number {
  if (value === undefined) return DEFAULT_STEPS;
  const n = number('--steps', value, 2, 256);
  if (!Number.isInteger(n)) throw new UsageError(`--steps must be a whole number, got ${value}`);
  return n;
}
