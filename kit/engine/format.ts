import type { AnalysisResult, Diagnostic } from "./run";

/** `(aws:backup/vault:Vault: payments)`: how the CLI names the resource of a violation. */
function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  const name = parts.slice(3).join("::");
  return type ? `(${type}: ${name})` : "";
}

const ORDER: Record<string, number> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

/**
 * Renders a result as `pulumi preview` prints its policy section: one block per pack
 * with ❌ when a mandatory policy failed, ⚠️ for advisory-only findings, ✅ otherwise,
 * then each violation's level, policy, resource, description and message.
 */
export function formatResult(result: AnalysisResult, source: string): string {
  const { diagnostics } = result;
  const mark = result.failed ? "❌" : diagnostics.length > 0 ? "⚠️" : "✅";
  const lines = ["Policies:", `    ${mark} ${result.pack.name}@v${result.pack.version} (local: ${source})`];
  const sorted = [...diagnostics].sort(
    (a, b) =>
      (ORDER[a.enforcementLevel] ?? 9) - (ORDER[b.enforcementLevel] ?? 9) || a.policy.localeCompare(b.policy) || a.urn.localeCompare(b.urn),
  );
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
