import type { JsonObject } from '../../core/inference/inference-ports.js';

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringOrNull = (value: unknown) => typeof value === 'string' || value === null;

/**
 * True when `value` has what the contract's ChatCompletionSchema requires of a chat completion; the
 * provider's other fields are left as they are. Checked by hand: the schema's nullable strings are
 * JSON Schema type arrays, which TypeBox's own checker does not evaluate.
 */
export function isChatCompletion(value: JsonObject): boolean {
  const { id, object, created, model, choices, usage } = value;
  if (typeof id !== 'string' || object !== 'chat.completion' || !Number.isInteger(created)) return false;
  if (typeof model !== 'string' || !Array.isArray(choices)) return false;
  if (usage !== undefined) {
    if (!isObject(usage)) return false;
    const counts = [usage['prompt_tokens'], usage['completion_tokens'], usage['total_tokens']];
    if (!counts.every((count) => Number.isInteger(count))) return false;
  }
  return choices.every(
    (choice: unknown) =>
      isObject(choice) &&
      Number.isInteger(choice['index']) &&
      isStringOrNull(choice['finish_reason']) &&
      isObject(choice['message']) &&
      choice['message']['role'] === 'assistant' &&
      isStringOrNull(choice['message']['content']),
  );
}
