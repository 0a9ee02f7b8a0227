import { parseArn } from "../arn";
import type { IndexedResource, StackIndex } from "../stackIndex";
import { stringField } from "../values";
import { stackAccounts } from "./identities";
import { decide, type Decision, type NamedStatements, type Policies, type Request } from "./evaluate";

/**
 * What the pack knows of a resource's ARN. During a first preview AWS has not assigned
 * it, but the parts a program sets (name, region) are known; the account is known once
 * any ARN of the stack is.
 */
export interface Address {
  readonly arn?: string;
  readonly region?: string;
  readonly account?: string;
  readonly name?: string;
}

/** The region a resource lives in: its own `region`, else its provider's. */
export function regionOf(resource: IndexedResource): string | undefined {
  const own = stringField(resource.props.region);
  if (own.state === "known" && own.value !== "") return own.value;
  const fromProvider = stringField(resource.provider?.props.region);
  return fromProvider.state === "known" && fromProvider.value !== "" ? fromProvider.value : undefined;
}

/** The address of a resource whose physical name is in `nameProperty` (`name`, `bucket`). */
export function addressOf(index: StackIndex, resource: IndexedResource, nameProperty: string): Address {
  const arn = stringField(resource.props.arn);
  const accounts = [...stackAccounts(index)];
  const stackAccount = accounts.length === 1 ? accounts[0] : undefined;
  if (arn.state === "known" && parseArn(arn.value)) {
    // S3 bucket ARNs name neither region nor account.
    const parsed = parseArn(arn.value)!;
    return { arn: arn.value, region: parsed.region || regionOf(resource), account: parsed.account || stackAccount };
  }
  const name = stringField(resource.props[nameProperty]);
  return {
    region: regionOf(resource),
    account: stackAccount,
    name: name.state === "known" && name.value !== "" ? name.value : undefined,
  };
}

const ACCOUNTS_NAMED = new WeakMap<readonly object[], readonly string[]>();

/** The 12-digit account ids a set of policies names literally (at most two), the fills aside. */
function accountsNamed(policies: readonly NamedStatements[]): readonly string[] {
  const out = new Set<string>();
  for (const { statements } of policies) {
    let found = ACCOUNTS_NAMED.get(statements);
    if (!found) ACCOUNTS_NAMED.set(statements, (found = [...new Set(JSON.stringify(statements).match(/(?<!\d)\d{12}(?!\d)/g) ?? [])]));
    found.forEach((account) => out.add(account));
  }
  return [...out].filter((account) => !FILLS.some((fill) => fill.account === account)).slice(0, 2);
}

/** Values that stand for a part of an ARN nobody knows yet; two, so that a policy naming one shows. */
const FILLS = [
  { region: "us-east-1", account: "000000000001", name: "unassigned-name-1" },
  { region: "eu-west-3", account: "000000000002", name: "unassigned-name-2" },
] as const;

export interface Filled {
  readonly region: string;
  readonly account: string;
  readonly name: string;
}

/**
 * Decides a request about a resource whose ARN may be partly unknown: the request is
 * built for two different guesses of every unknown part, and an answer that depends on
 * the guess is conditional (the policy names the resource in a way only its real ARN
 * settles).
 */
export function decideAt(
  address: Address,
  build: (filled: Filled) => Request | undefined,
  policies: Policies | ((filled: Filled) => Policies),
): Decision | undefined {
  const decisions = new Set<Decision>();
  // An unknown account is also tried as each account the policies name, so an answer
  // that hangs on a literal account (a root principal, a break-glass ARN) shows.
  const base = typeof policies === "function" ? policies(FILLS[0]) : policies;
  const named = address.account
    ? []
    : accountsNamed([...base.identity, ...(base.boundaries ?? []), ...(base.resource ? [base.resource] : [])]);
  for (const fill of [...FILLS, ...named.map((account) => ({ ...FILLS[0], account }))]) {
    const filled = { region: address.region ?? fill.region, account: address.account ?? fill.account, name: address.name ?? fill.name };
    const request = build(filled);
    if (!request) return undefined;
    decisions.add(decide(request, typeof policies === "function" ? policies(filled) : policies));
    if (address.region && address.account && address.name) break;
  }
  return decisions.size === 1 ? [...decisions][0] : "conditional";
}

/** How permissive a decision is, for keeping the worst of several (one that could not be made sits above denied). */
function rank(decision: Decision | undefined): number {
  return decision === undefined ? 1 : { denied: 0, conditional: 2, allowed: 3 }[decision];
}

/**
 * Decides a request against each resource an action may be authorised against (a
 * vault's recovery points have an ARN per kind of resource) and keeps the most
 * permissive answer: allowed on any one is allowed. The resources' count must not
 * depend on the fill.
 */
export function decideAtAny(
  address: Address,
  resources: (filled: Filled) => readonly string[],
  build: (filled: Filled, resource: string) => Request | undefined,
  policies: Policies | ((filled: Filled) => Policies),
): Decision | undefined {
  let worst: Decision | undefined = "denied";
  const count = resources(FILLS[0]).length;
  for (let i = 0; i < count && worst !== "allowed"; i++) {
    const decision = decideAt(
      address,
      (filled) => {
        const resource = resources(filled)[i];
        return resource === undefined ? undefined : build(filled, resource);
      },
      policies,
    );
    if (rank(decision) > rank(worst)) worst = decision;
  }
  return worst;
}
