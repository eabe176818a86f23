import assert from "assert";
import { sampleOf } from "../../tools/emulator/json_sample.ts";

Deno.test("sampleOf() builds values that fit each schema keyword", () => {
  assert.deepEqual(
    sampleOf({
      type: "object",
      properties: {
        s: { type: "string", minLength: 12 },
        d: { type: "string", format: "date" },
        n: { type: "number" },
        i: { type: "integer", minimum: 2.5 },
        b: { type: "boolean" },
        e: { enum: ["x", "y"] },
        c: { const: 7 },
        u: { anyOf: [{ type: "null" }, { type: "integer" }] },
        t: { type: ["null", "string"] },
        a: { type: "array", items: { type: "integer" }, minItems: 2 },
        all: { allOf: [{ type: "object", properties: { k: { type: "boolean" } } }] },
        ref: { $ref: "#/$defs/leaf" },
      },
      $defs: { leaf: { type: "object", properties: { v: { type: "string" } } } },
    }),
    {
      s: "emulatedxxxx",
      d: "2024-01-01",
      n: 1.5,
      i: 3,
      b: true,
      e: "x",
      c: 7,
      u: 1,
      t: "emulated",
      a: [1, 1],
      all: { k: true },
      ref: { v: "emulated" },
    },
  );
});

Deno.test("sampleOf() stays finite on recursive schemas", () => {
  const tree = {
    type: "object",
    properties: { child: { $ref: "#" }, name: { type: "string" } },
  };
  let node = sampleOf(tree) as Record<string, unknown>;
  let depth = 0;
  while (node && typeof node === "object" && node.child) {
    node = node.child as Record<string, unknown>;
    depth++;
  }
  assert.ok(depth > 0 && depth < 20);
});
