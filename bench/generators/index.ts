/**
 * The bench's stack generators, one per control area. A generator adds one unit of a
 * realistic stack (a handful of related resources, named with the unit's index `i`);
 * the bench calls every generator in turn until the stack reaches its target size, so
 * each area's resources grow in proportion and cross-resource rules meet the shapes
 * they see in real programs.
 */
import type { FixtureStack } from "../../kit/fixtures";
import { coverage } from "./coverage";
import { encryption } from "./encryption";
import { identity } from "./identity";
import { retention } from "./retention";

export type Generator = (stack: FixtureStack, i: number) => void;

export const generators: readonly Generator[] = [encryption, coverage, identity, retention];
