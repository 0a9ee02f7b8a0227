import type { AnalysisResult, Diagnostic } from "./run";

/**
 * `(aws:backup/vault:Vault: payments)`: how the CLI names the resource of a violation,
 * with the component parents it sits in when there are some
 * (`(aws:backup/vault:Vault: payments, in acme:backup:Platform › acme:backup:Store)`).
 */
export function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  const chain = (parts[2] ?? "").split("$");
  const type = chain.pop() ?? "";
  const name = parts.slice(3).join("::");
  const parents = chain.filter((parent) => parent !== "" && parent !== "pulumi:pulumi:Stack");
  return type ? `(${type}: ${name}${parents.length > 0 ? `, in ${parents.join(" › ")}` : ""})` : "";
}

const ORDER: Record<string, number> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

/** The order every output lists diagnostics in: mandatory first, then by policy and resource, in the order the pack reported them. */
export function orderDiagnostics<T extends Diagnostic>(diagnostics: readonly T[]): T[] {
  return [...diagnostics].sort(
    (a, b) =>
      (ORDER[a.enforcementLevel] ?? 9) - (ORDER[b.enforcementLevel] ?? 9) || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn),
  );
}

/**
 * Renders a result as `pulumi preview` prints its policy section: one block per pack
 * with ❌ when a mandatory policy failed, ⚠️ for advisory-only findings, ✅ otherwise,
 * then how many resources each policy remediated, then each violation's level, policy,
 * resource, description and message.
 */
export function formatResult(result: AnalysisResult, source: string): string {
  const { diagnostics } = result;
  const mark = result.failed ? "❌" : diagnostics.length > 0 ? "⚠️" : "✅";
  const lines = ["Policies:", `    ${mark} ${result.pack.name}@v${result.pack.version} (local: ${source})`];
  // Remediations come first, as the CLI prints them without --show-policy-remediations: one line per policy.
  const remediated = new Map<string, number>();
  for (const { policy } of result.remediations) remediated.set(policy, (remediated.get(policy) ?? 0) + 1);
  for (const policy of [...remediated.keys()].sort()) {
    const count = remediated.get(policy) ?? 0;
    lines.push(`        - [remediate]  ${policy}  (${count} resource${count === 1 ? "" : "s"})`);
  }
  const sorted = orderDiagnostics(diagnostics);
  for (const d of sorted) {
    lines.push(`        - [${d.enforcementLevel}]  ${d.policy}  ${resourceLabel(d.urn)}`);
    for (const line of [d.description, ...d.message.split("\n")]) lines.push(`          ${line}`);
  }
  return lines.join("\n");
}

export function summarize(diagnostics: readonly Diagnostic[]): string {
  const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory").length;
  const advisory = diagnostics.filter((d) => d.enforcementLevel === "advisory").length;
  return `${mandatory} mandatory, ${advisory} advisory`;
}
