/**
 * The three outcomes of a control on one resource. A policy reports a violation only
 * when it is certain; what a value unknown at preview keeps it from deciding is
 * `unverifiable`, and `preview-verification-gaps` reports it.
 */
export type Outcome =
  | { readonly status: "satisfied" }
  | { readonly status: "violated"; readonly message: string }
  | {
      readonly status: "unverifiable";
      /** The property (dotted path) whose value was unknown. */
      readonly property: string;
      /** Why it could not be settled, as a clause: "kmsKeyArn is unknown and …". */
      readonly reason: string;
    };

export const SATISFIED: Outcome = Object.freeze({ status: "satisfied" });

export function violated(message: string): Outcome {
  return { status: "violated", message };
}

export function unverifiable(property: string, reason: string): Outcome {
  return { status: "unverifiable", property, reason };
}

/** One resource's outcome under one control. */
export interface Finding {
  readonly urn: string;
  readonly outcome: Outcome;
}
