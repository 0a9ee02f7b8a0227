/**
 * The bench's stack generators, one per control area. A generator adds one unit of a
 * realistic stack (a handful of related resources, named with the unit's index `i`);
 * the bench calls every generator in turn until the stack reaches its target size, so
 * each area's resources grow in proportion and cross-resource rules meet the shapes
 * they see in real programs.
 */
import { FixtureStack } from "../../kit/fixtures";
import type { EngineView } from "../../kit/view";
import { coverage } from "./coverage";
import { encryption } from "./encryption";
import { identity } from "./identity";
import { retention } from "./retention";

export type Generator = (stack: FixtureStack, i: number) => void;

export const generators: readonly Generator[] = [encryption, coverage, identity, retention];

/** Units of every area's generator, in turn, until the stack holds `size` resources. */
export function generate(size: number): EngineView {
  const stack = new FixtureStack({ project: "bench", stack: `s${size}` });
  for (let i = 0; stack.size < size; i++) for (const generator of generators) generator(stack, i);
  return stack.view();
}
