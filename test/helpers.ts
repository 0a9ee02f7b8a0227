import type { Policy } from "@pulumi/policy";
import { defaultPackDir } from "../kit/cli";
import { PackProcess } from "../kit/engine/analyzer";
import type { AnalysisResult } from "../kit/engine/run";
import type { FixtureStack } from "../kit/fixtures";
import { runPolicies } from "../kit/inProcess";
import { policies } from "../policy-pack/policies";

export interface Violation {
  readonly policy: string;
  readonly urn: string;
  readonly message: string;
}

/** The gap-listing policy, which sees every other policy's gaps. */
export const GAPS = "preview-verification-gaps";

/** The exact `{policy, urn, message}` set of a result (of one policy or several), in a stable order. */
export function violationsOf(result: AnalysisResult, policy?: string | readonly string[]): Violation[] {
  const wanted = typeof policy === "string" ? [policy] : policy;
  return result.diagnostics
    .filter((d) => wanted === undefined || wanted.includes(d.policy))
    .map(({ policy: name, urn, message }) => ({ policy: name, urn, message }))
    .sort((a, b) => a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn) || a.message.localeCompare(b.message));
}

/**
 * Runs the whole pack in-process (so preview-verification-gaps sees the others) and keeps
 * the findings of one policy, or of several (`[POLICY, GAPS]`), or all.
 */
export async function check(stack: FixtureStack, policy?: string | readonly string[], policyPackConfig?: unknown): Promise<Violation[]> {
  return violationsOf(await runPolicies(policies as readonly Policy[], stack.view(), { policyPackConfig }), policy);
}

/**
 * Runs one area's policies with `preview-verification-gaps` (so it sees their gaps) and
 * keeps every finding: the whole pack as a stack with only that area's controls sees it.
 */
export async function checkArea(stack: FixtureStack, area: string, policyPackConfig?: unknown): Promise<Violation[]> {
  const chosen = policies.filter((policy) => policy.area === area || policy.name === "preview-verification-gaps");
  return violationsOf(await runPolicies(chosen as readonly Policy[], stack.view(), { policyPackConfig }));
}

export function urnOf(stack: FixtureStack, type: string, name: string): string {
  return `urn:pulumi:${stack.stack}::${stack.project}::${type}::${name}`;
}

/** The pack processes of one test file: one per mode, as the language host starts one told whether it serves a preview. */
export interface Packs {
  preview: PackProcess;
  update: PackProcess;
}

/** Starts this repository's pack once per mode for the test file, and stops it after. */
export function packsForThisFile(): Packs {
  const packs = {} as Packs;
  beforeAll(async () => {
    [packs.preview, packs.update] = await Promise.all([
      PackProcess.start(defaultPackDir()),
      PackProcess.start(defaultPackDir(), { dryRun: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([packs.preview.stop(), packs.update.stop()]);
  });
  return packs;
}
