//! Conditions that imply each other across filters: a filter whose trigger holds whenever a later one's
//! does (the later one never fires), and a resolve condition and a trigger condition that match each
//! other's values.

use super::{Findings, context, trigger_conditions};
use crate::diagnostic::Severity;
use crate::filter::schema::{ConditionDoc, FilterDoc, conditions_span};
use crate::semantics::Combine;
use toml::Spanned;

/// Whether every value that satisfies `given` also satisfies `implied`: same key, and every item of
/// `implied` is part of some item of `given`.
fn implies(out: &Findings<'_>, given: &ConditionDoc, implied: &ConditionDoc) -> bool {
    out.same_key(given.key.get_ref(), implied.key.get_ref())
        && implied.contains.get_ref().iter().all(|i| {
            given
                .contains
                .get_ref()
                .iter()
                .any(|g| out.contains(g.get_ref(), i.get_ref()))
        })
}

/// A filter whose trigger part holds whenever a later one's does: the later one can never fire.
pub(super) fn shadowed(
    out: &mut Findings<'_>,
    filters: &[(usize, &Spanned<FilterDoc>)],
    combine: Combine,
) {
    for (b_index, &(b_pos, b)) in filters.iter().enumerate() {
        let later: Vec<&ConditionDoc> = trigger_conditions(b.get_ref()).collect();
        for &(a_pos, a) in &filters[..b_index] {
            let earlier: Vec<&ConditionDoc> = trigger_conditions(a.get_ref()).collect();
            let covered = |cb: &ConditionDoc| earlier.iter().any(|ca| implies(out, cb, ca));
            let always = match (earlier.is_empty(), later.is_empty(), combine) {
                // A catch-all holds for every request, and is never implied by conditions.
                (true, _, _) => true,
                (false, true, _) => false,
                // `all`: some condition of B implies each of A's.
                (false, false, Combine::All) => earlier
                    .iter()
                    .all(|ca| later.iter().any(|cb| implies(out, cb, ca))),
                // `any`: whichever condition of B holds, one of A's holds too.
                (false, false, Combine::Any) => later.iter().all(|cb| covered(cb)),
            };
            if always {
                let b_doc = b.get_ref();
                out.push(
                    Severity::Error,
                    "shadowed-filter",
                    format!(
                        "this filter can never fire: filter #{a_pos} \"{}\" comes first and holds whenever it does",
                        a.get_ref().name.as_ref().map_or("", |n| n.get_ref().as_str())
                    ),
                    conditions_span(&b_doc.trigger),
                    &context(b_pos, b_doc),
                    "the first filter that holds wins: move the narrower filter above the broader one",
                );
                break;
            }
        }
    }
}

/// A resolve condition and a trigger condition on the same key where one's items are part of the
/// other's: then a triggering payload also resolves, or a resolving payload also triggers.
pub(super) fn overlapping(out: &mut Findings<'_>, filters: &[(usize, &Spanned<FilterDoc>)]) {
    for &(r_pos, r) in filters {
        let Some(resolve) = &r.get_ref().resolve else {
            continue;
        };
        let r_ctx = context(r_pos, r.get_ref());
        for rc in resolve.get_ref().conditions.get_ref() {
            let rc = rc.get_ref();
            for &(t_pos, t) in filters {
                for tc in trigger_conditions(t.get_ref()) {
                    let message = if implies(out, tc, rc) {
                        format!(
                            "this resolve condition also matches the values that fire filter #{t_pos}'s trigger ({} in {}): those alerts resolve as they fire",
                            quoted(rc),
                            quoted(tc)
                        )
                    } else if implies(out, rc, tc) {
                        format!(
                            "the trigger of filter #{t_pos} also matches the values this resolve condition looks for ({} in {}): resolved notifications create incidents",
                            quoted(tc),
                            quoted(rc)
                        )
                    } else {
                        continue;
                    };
                    out.push(
                        Severity::Warning,
                        "resolve-matches-trigger",
                        message,
                        rc.contains.span(),
                        &r_ctx,
                        "short items match more than intended (\"OK\" is in \"BROKEN\" and \"TOKEN_EXPIRED\"): use items that appear only in one state",
                    );
                }
            }
        }
    }
}

fn quoted(c: &ConditionDoc) -> String {
    c.contains
        .get_ref()
        .iter()
        .map(|i| format!("\"{}\"", i.get_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}
