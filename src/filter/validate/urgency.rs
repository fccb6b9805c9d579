//! A filter's urgency and priority: `urgency` (high, low, or a priority), `priority` (P1-P5), or both
//! when they agree.

use crate::filter::{Priority, Urgency};
use crate::strict_toml::{Reader, TableRef};
use toml::Spanned;

/// The urgency and priority of a filter: `urgency` (high, low, or a priority), `priority` (P1-P5), or
/// both when they agree. `None` when either cannot be read or they disagree (the error is recorded).
pub(super) fn urgency(
    r: &mut Reader<'_>,
    table: &TableRef<'_, '_>,
    ctx: Option<&str>,
) -> Option<(Urgency, Option<Priority>)> {
    r.require_one_of(table, &["urgency", "priority"], ctx);
    let urgency = r.optional::<String>(table, "urgency", ctx);
    let priority = r.optional::<String>(table, "priority", ctx);
    let urgency_text = urgency.as_ref().map(|u| u.get_ref().clone());
    let priority_span = priority.as_ref().map(Spanned::span);
    let read_urgency = urgency.as_ref().map(|u| {
        let text = u.get_ref();
        let read = Urgency::parse(text).map(|urgency| (urgency, Priority::parse(text)));
        if read.is_none() {
            r.error(
                format!("unknown urgency `{text}`"),
                u.span(),
                ctx,
                "use \"high\" or \"low\" (any case), or a priority \"P1\" to \"P5\"",
            );
        }
        read
    });
    let read_priority = priority.as_ref().map(|p| {
        let read = Priority::parse(p.get_ref());
        if read.is_none() {
            r.error(
                format!("unknown priority `{}`", p.get_ref()),
                p.span(),
                ctx,
                "use \"P1\" to \"P5\": P1-P3 page with high urgency, P4-P5 with low",
            );
        }
        read
    });
    match (read_urgency, read_priority) {
        (Some(u), None) => u,
        (None, Some(p)) => p.map(|p| (p.urgency(), Some(p))),
        (Some(u), Some(p)) => {
            let ((urgency, as_priority), priority) = (u?, p?);
            let agree = match as_priority {
                Some(given) => given == priority,
                None => urgency == priority.urgency(),
            };
            if !agree {
                let written = urgency_text.unwrap_or_default();
                let message = match as_priority {
                    Some(_) => format!(
                        "`priority = \"{priority}\"` and `urgency = \"{written}\"` give two different priorities"
                    ),
                    None => format!(
                        "`priority = \"{priority}\"` pages with {} urgency, but `urgency = \"{written}\"`",
                        priority.urgency()
                    ),
                };
                r.error(
                    message,
                    priority_span.unwrap_or_default(),
                    ctx,
                    "give the priority alone (it sets the urgency), or an urgency that agrees with it",
                );
                return None;
            }
            Some((urgency, Some(priority)))
        }
        // Neither given: recorded above.
        (None, None) => None,
    }
}
