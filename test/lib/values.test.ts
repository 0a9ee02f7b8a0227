import { booleanField, getPath, jsonField, numberField, stringField, stringMapField, toValue, UNKNOWN } from "../../policy-pack/lib/values";

// The SDK's own proxy (internal to @pulumi/policy, shipped without declarations).
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(value: T): T };
const SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("toValue: the parsing edge", () => {
  it("unwraps @pulumi/policy's unknown-checking proxy without tripping it, and marks every unknown sentinel", () => {
    const proxied = unknownCheckingProxy({ a: SENTINEL, b: { c: "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", d: [1, "x"] } });
    expect(() => (proxied as Record<string, unknown>).a).toThrow();
    expect(toValue(proxied)).toEqual({ a: UNKNOWN, b: { c: UNKNOWN, d: [1, "x"] } });
  });

  it("keeps the plain value of wrapped secrets, drops functions and undefined, and survives cycles and odd numbers", () => {
    const cyclic: Record<string, unknown> = { n: NaN, f: () => 1, u: undefined };
    cyclic.self = cyclic;
    expect(toValue({ s: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "v" }, cyclic })).toEqual({
      s: "v",
      cyclic: { n: null, self: null },
    });
  });
});

describe("typed reads", () => {
  it("say whether a property is absent, unknown, of the wrong type, or known", () => {
    expect(stringField(undefined)).toEqual({ state: "absent" });
    expect(stringField(UNKNOWN)).toEqual({ state: "unknown" });
    expect(stringField(3)).toEqual({ state: "invalid", found: "a number" });
    expect(booleanField("false")).toEqual({ state: "known", value: false });
    expect(numberField("30")).toEqual({ state: "known", value: 30 });
    expect(numberField([])).toEqual({ state: "invalid", found: "a list" });
    expect(stringMapField({ a: "1", b: UNKNOWN, c: 3 })).toEqual({ state: "known", value: { known: { a: "1" }, unknownKeys: ["b"] } });
  });

  it("stop at the first unknown on a path", () => {
    expect(getPath({ a: { b: UNKNOWN } }, ["a", "b", "c"])).toBe(UNKNOWN);
    expect(getPath({ a: [{ b: 1 }] }, ["a", 0, "b"])).toBe(1);
    expect(getPath({ a: "x" }, ["a", "b"])).toBeUndefined();
  });

  it("parse JSON documents held in strings or objects", () => {
    expect(jsonField('{"a":1}')).toEqual({ state: "known", value: { a: 1 } });
    expect(jsonField("{")).toEqual({ state: "invalid", found: "a string that is not valid JSON" });
    expect(jsonField(`{"a":"${SENTINEL}"}`)).toEqual({ state: "unknown" });
    expect(jsonField({ a: UNKNOWN })).toEqual({ state: "unknown" });
    expect(jsonField(true)).toEqual({ state: "invalid", found: "a boolean" });
  });
});
