/**
 * Assertions shared by the translator tests.
 * @module
 */
import assert from "assert";
import { TranslationError } from "../../src/bedrock/translator.ts";

/**
 * Asserts that `fn` throws a {@linkcode TranslationError} with `param`, a
 * message that includes `fragment`, and no huge echo of the payload.
 */
export function assertRefuses(
  fn: () => unknown,
  param: string,
  fragment: string,
): TranslationError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TranslationError, `expected a TranslationError, got ${caught}`);
  assert.equal(caught.param, param);
  assert.ok(
    caught.message.includes(fragment),
    `message ${JSON.stringify(caught.message)} lacks ${JSON.stringify(fragment)}`,
  );
  assert.ok(caught.message.length < 300, `message too long: ${caught.message.length} chars`);
  assert.ok(!caught.message.endsWith("."), "message ends with a period");
  return caught;
}

/** The context every test passes to `fromModelOutput`. */
export const CONTEXT = {
  modelGroup: "claude-haiku",
  created: 1711475054,
  responseId: "chatcmpl-test1",
};
