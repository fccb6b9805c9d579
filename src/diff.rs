//! Expected against actual, as a unified diff of `field = value` lines: only the fields that differ,
//! with one line of context. Which lines differ is decided on the values as they are; the lines show
//! them with their secrets masked. Pure: the renderers decide how the lines look.

use crate::secrets::Mask;
use crate::suite::run_case::Compared;
use crate::suite::val::Val;
use similar::{ChangeTag, TextDiff};
use std::time::Duration;

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// `@@ -a,b +c,d @@`: where a hunk starts.
    Hunk(String),
    /// A stated field that holds, shown for context.
    Same(String),
    /// What the case file states.
    Expected(String),
    /// What the run gave.
    Actual(String),
}

impl DiffLine {
    /// The line with its unified-diff marker.
    pub fn text(&self) -> String {
        match self {
            DiffLine::Hunk(h) => h.clone(),
            DiffLine::Same(t) => format!(" {t}"),
            DiffLine::Expected(t) => format!("-{t}"),
            DiffLine::Actual(t) => format!("+{t}"),
        }
    }
}

/// The diff of the stated fields of one case, empty when every field holds, its values shown through
/// `mask`.
pub fn diff(compared: &[Compared], mask: Mask<'_>) -> Vec<DiffLine> {
    let text = |value: fn(&Compared) -> &Val| -> String {
        compared
            .iter()
            .map(|c| format!("{} = {}\n", c.field, value(c)))
            .collect()
    };
    let expected = text(|c| &c.expected);
    let actual = text(|c| &c.actual);
    // Line `i` of either side is field `i`.
    let shown = |i: Option<usize>, value: fn(&Compared) -> &Val| {
        let c = &compared[i.unwrap_or_default()];
        format!("{} = {}", c.field, value(c).masked(mask))
    };
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(Duration::from_millis(500))
        .diff_lines(&expected, &actual);
    let mut lines = Vec::new();
    for hunk in diff.unified_diff().context_radius(1).iter_hunks() {
        lines.push(DiffLine::Hunk(hunk.header().to_string()));
        for change in hunk.iter_changes() {
            lines.push(match change.tag() {
                ChangeTag::Equal => DiffLine::Same(shown(change.old_index(), |c| &c.expected)),
                ChangeTag::Delete => DiffLine::Expected(shown(change.old_index(), |c| &c.expected)),
                ChangeTag::Insert => DiffLine::Actual(shown(change.new_index(), |c| &c.actual)),
            });
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::Field;
    use crate::suite::val::Val;

    fn c(field: Field, expected: Val, actual: Val) -> Compared {
        Compared {
            field,
            expected,
            actual,
            line: 1,
        }
    }

    #[test]
    fn only_differing_fields_with_one_line_of_context() {
        let lines = diff(
            &[
                c(Field::Code, Val::Int(201), Val::Int(201)),
                c(Field::Filter, Val::Int(1), Val::Int(1)),
                c(Field::Urgency, Val::str("high"), Val::str("high")),
                c(Field::Title, Val::str("a"), Val::str("b")),
                c(Field::MapKey, Val::str("k"), Val::str("k")),
                c(Field::Warnings, Val::Array(vec![]), Val::Array(vec![])),
            ],
            Mask::SHAPES,
        );
        let text: Vec<String> = lines.iter().map(DiffLine::text).collect();
        assert_eq!(
            text,
            [
                "@@ -3,3 +3,3 @@",
                " urgency = \"high\"",
                "-title = \"a\"",
                "+title = \"b\"",
                " map_key = \"k\"",
            ]
        );
    }

    #[test]
    fn nothing_when_everything_holds() {
        assert!(
            diff(
                &[c(Field::Code, Val::Int(201), Val::Int(201))],
                Mask::SHAPES
            )
            .is_empty()
        );
    }

    #[test]
    fn values_that_differ_only_in_a_secret_still_differ_and_show_masked() {
        let lines = diff(
            &[c(
                Field::Description,
                Val::str("Bearer abc123"),
                Val::str("Bearer xyz789"),
            )],
            Mask::SHAPES,
        );
        let text: Vec<String> = lines.iter().map(DiffLine::text).collect();
        assert_eq!(
            text,
            [
                "@@ -1 +1 @@",
                "-description = \"Bearer ***\"",
                "+description = \"Bearer ***\"",
            ]
        );
    }
}
