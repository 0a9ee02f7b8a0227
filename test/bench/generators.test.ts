/**
 * The bench's generators build what `npm run bench` measures: every area's units side by
 * side, with no two resources of one name (a clash would stop the bench, not a test).
 */
import { FixtureStack } from "../../kit/fixtures";
import { generators } from "../../bench/generators";

describe("bench generators", () => {
  it("build a stack of every area's units together without a duplicate resource", () => {
    const stack = new FixtureStack({ project: "bench", stack: "s1000" });
    const sizes: number[] = [];
    for (let i = 0; stack.size < 1000; i++) {
      for (const generator of generators) {
        const before = stack.size;
        generator(stack, i);
        if (i === 0) sizes.push(stack.size - before);
      }
    }
    expect(sizes.every((added) => added > 0)).toBe(true);
    expect(stack.view().resources.length).toBeGreaterThan(1000);
  });
});
