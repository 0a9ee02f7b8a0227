// The benchmark's floor: what any pack costs before its policies do anything. With
// NOOP_STACK_POLICIES=n it has n no-op stack policies, since @pulumi/policy
// deserialises the whole stack once for every stack policy.
const { PolicyPack } = require("@pulumi/policy");

const count = Number(process.env.NOOP_STACK_POLICIES || 1);
new PolicyPack("noop", {
  policies: Array.from({ length: count }, (_, i) => ({
    name: `noop-${i}`,
    description: "Does nothing.",
    enforcementLevel: "advisory",
    validateStack: () => undefined,
  })),
});
