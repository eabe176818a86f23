import assert from "assert";
import { addDuration, durationMs, DurationText, parseDuration } from "../../src/auth/duration.ts";

const T0 = Date.UTC(2025, 0, 31, 12, 0, 0);

Deno.test("durationMs() converts LiteLLM's s, m, h, d and w units", () => {
  const cases: [string, number][] = [
    ["30s", 30_000],
    ["10m", 600_000],
    ["12h", 43_200_000],
    ["30d", 2_592_000_000],
    ["1w", 604_800_000],
    ["0s", 0],
    [" 2d ", 172_800_000],
  ];
  for (const [text, ms] of cases) assert.equal(durationMs(text, T0), ms, text);
});

Deno.test("addDuration() adds calendar months in UTC, clamped to the month's last day", () => {
  assert.equal(new Date(addDuration(T0, "1mo")).toISOString(), "2025-02-28T12:00:00.000Z");
  assert.equal(new Date(addDuration(T0, "2mo")).toISOString(), "2025-03-31T12:00:00.000Z");
  assert.equal(new Date(addDuration(T0, "12mo")).toISOString(), "2026-01-31T12:00:00.000Z");
  const dec = Date.UTC(2024, 11, 15);
  assert.equal(new Date(addDuration(dec, "1mo")).toISOString(), "2025-01-15T00:00:00.000Z");
});

Deno.test("parseDuration() refuses text that is not a number and a known unit", () => {
  for (const text of ["", "30", "d", "1.5h", "-1d", "30 days", "30y", "1M", "3dd"]) {
    assert.throws(() => parseDuration(text), {
      name: "SyntaxError",
      message: new RegExp(`^Cannot parse duration '${text}': expected a whole number and a unit`),
    }, text);
  }
  assert.deepEqual(parseDuration("3mo"), { value: 3, unit: "mo" });
});

Deno.test("addDuration() refuses an end beyond what a date can hold", () => {
  assert.throws(() => addDuration(T0, "999999999w"), { name: "RangeError" });
});

Deno.test("DurationText accepts durations and explains what it expected otherwise", () => {
  assert.equal(DurationText.parse(" 30d"), "30d");
  const result = DurationText.safeParse("thirty days");
  assert.equal(result.success, false);
  assert.match(result.error!.issues[0]!.message, /expected a duration such as 30s/);
});
