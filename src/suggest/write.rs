//! A [`Proposal`] as a filter file: valid TOML by construction (every value written by `toml_edit`),
//! each choice preceded by a comment with its reason and alternatives. Sample values shown in comments
//! are masked like every other value the tool shows, and quoted so that no text of a sample can end a
//! comment line.

use super::states::quote;
use super::{Choice, Proposal, Proposed};
use crate::secrets::Mask;
use crate::semantics::SemanticsLayer;
use crate::suite::val::Val;
use std::fmt::Write as _;

/// Comment lines are wrapped to this width.
const WIDTH: usize = 100;

/// What the file is written for.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// The service's name.
    pub service: &'a str,
    /// The `from=` parameter, if known.
    pub from: Option<&'a str>,
    /// The readings the proposal was made under: written into the file where they are not the
    /// defaults, since its items rely on them.
    pub semantics: SemanticsLayer,
}

/// `s` as a TOML string.
fn string(s: &str) -> String {
    Val::str(s).toml_text()
}

/// A comment of one or more lines, wrapped; continuation lines indented.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split(' ') {
        if line.len() + 1 + word.len() > WIDTH && line.len() > 4 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#  ");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The filter file.
pub fn filter_file(p: &Proposal, names: Names<'_>, mask: Mask<'_>) -> String {
    let shown = |text: &str| quote(&mask.apply(text));
    let mut out = String::new();
    comment(
        &mut out,
        &format!(
            "Suggested by `sqibs-filter suggest` from {} sample{}: {}.",
            p.samples.len(),
            if p.samples.len() == 1 { "" } else { "s" },
            p.samples.join(", ")
        ),
    );
    comment(
        &mut out,
        "Each choice says why it was made and what else was possible: review them, then run `sqibs-filter lint` and `sqibs-filter test`.",
    );
    for missing in &p.missing {
        comment(&mut out, &format!("MISSING: {missing}."));
    }
    for note in &p.notes {
        comment(&mut out, &format!("Note: {note}."));
    }
    let _ = writeln!(out, "service = {}", string(names.service));
    match names.from {
        Some(from) => {
            let _ = writeln!(out, "from = {}", string(from));
        }
        None => out.push_str(
            "# from = \"Sender\"   # the from= parameter of the sender's URL: titles read \"<from> - <title>\"\n",
        ),
    }
    let readings: Vec<String> = [
        names
            .semantics
            .case_sensitive
            .map(|c| format!("case_sensitive = {c}")),
        names
            .semantics
            .nested_keys
            .map(|n| format!("nested_keys = {n}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !readings.is_empty() {
        out.push_str("\n# The readings the items were chosen under.\n[semantics]\n");
        for r in readings {
            let _ = writeln!(out, "{r}");
        }
    }
    let triggers: Vec<Option<&str>> = match &p.trigger {
        Some(t) => t.items.iter().map(|i| Some(i.as_str())).collect(),
        None => vec![None],
    };
    let resolves: Vec<&str> = p
        .resolve
        .iter()
        .flat_map(|r| r.items.iter().map(String::as_str))
        .collect();
    let mut used_names: Vec<String> = Vec::new();
    for (i, item) in triggers.iter().enumerate() {
        let mut name: String = item
            .unwrap_or("alert")
            .to_lowercase()
            .chars()
            .take(40)
            .collect();
        while used_names.contains(&name) {
            name.push('+');
        }
        used_names.push(name.clone());
        out.push_str("\n[[filter]]\n");
        let _ = writeln!(out, "name = {}", string(&name));
        if i == 0 {
            out.push_str(
                "# P1-P3 page with high urgency, P4-P5 with low: set what this alert deserves.\n",
            );
        }
        out.push_str("urgency = \"high\"\n\n[filter.trigger]\n");
        match (&p.trigger, item) {
            (Some(t), Some(item)) => {
                if i == 0 {
                    explain_state(&mut out, p, t, &shown);
                }
                let _ = writeln!(
                    out,
                    "conditions = [{{ key = {}, contains = [{}] }}]",
                    string(&t.key),
                    string(item)
                );
            }
            _ => {
                comment(
                    &mut out,
                    "No condition could be proposed (see MISSING above): as written, this filter fires on every request.",
                );
                out.push_str("conditions = []\n");
            }
        }
        field(
            &mut out,
            i == 0,
            "title_from",
            "Title",
            p.title.as_ref(),
            &shown,
            "no short text field: the title is Callgoose's fallback, \"Incident from <from>\"",
        );
        field(
            &mut out,
            i == 0,
            "description_from",
            "Description",
            p.description.as_ref(),
            &shown,
            "no prose field: the description is the whole payload, as Callgoose does when the key is empty",
        );
        field(
            &mut out,
            i == 0,
            "map_with",
            "Mapping key",
            p.map_key.as_ref(),
            &shown,
            "none found: every repeat is a new incident and nothing resolves",
        );
        if let (Some(r), Some(item)) = (&p.resolve, resolves.get(i)) {
            out.push_str("\n[filter.resolve]\n");
            if i == 0 {
                explain_resolve(&mut out, r, &shown);
            }
            let _ = writeln!(
                out,
                "conditions = [{{ key = {}, contains = [{}] }}]",
                string(&r.key),
                string(item)
            );
            if let Some(m) = &p.map_key {
                let _ = writeln!(out, "mapped_with = {}", string(&m.key));
            }
        } else if i == 0 && resolves.is_empty() && p.resolve.is_none() {
            out.push_str("# No resolve part: see the notes above.\n");
        } else if i > 0 && i >= resolves.len() && !resolves.is_empty() {
            comment(
                &mut out,
                "No resolve part of its own: the first filter's closes this filter's incidents too, as a resolve closes every open incident of the service with the same mapping value (the default reading; not under resolve_scope = \"filter\").",
            );
        }
    }
    if resolves.len() > triggers.len() {
        out.push('\n');
        comment(
            &mut out,
            &format!(
                "Resolve items without a filter to carry them (a filter has one resolve part): {}.",
                listed(resolves[triggers.len()..].iter().copied(), string)
            ),
        );
    }
    out
}

fn explain_state(out: &mut String, p: &Proposal, t: &Proposed, shown: &dyn Fn(&str) -> String) {
    let Some(state) = &p.state else { return };
    let by = |s: super::State| listed(state.values_of(s), shown);
    let mut text = format!(
        "State key: `{}`{}: firing {}",
        t.key,
        if t.nested {
            " (nested)"
        } else {
            ", a top-level key"
        },
        by(super::State::Firing)
    );
    let resolved = by(super::State::Resolved);
    if !resolved.is_empty() {
        text += &format!("; resolved {resolved}");
    }
    let other = by(super::State::Other);
    if !other.is_empty() {
        text += &format!("; neither {other}");
    }
    text += ".";
    if !state.alternatives.is_empty() {
        text += &format!(
            " Also telling the states apart: {}.",
            listed(state.alternatives.iter().map(String::as_str), |a| format!(
                "`{a}`"
            ))
        );
    }
    comment(out, &text);
    comment(
        out,
        &format!(
            "Item{}: {}, the shortest part of the firing value{} that no resolved value contains{}.",
            if t.items.len() == 1 {
                ""
            } else {
                "s, one filter each since one list ANDs its items"
            },
            listed(t.items.iter().map(String::as_str), shown),
            if t.items.len() == 1 { "" } else { "s" },
            if t.items.len() == 1 && state.values_of(super::State::Firing).count() > 1 {
                ", in every firing value"
            } else {
                ""
            },
        ),
    );
    refused(out, &t.refused, shown);
}

fn explain_resolve(out: &mut String, r: &Proposed, shown: &dyn Fn(&str) -> String) {
    if let Some(reason) = &r.reason {
        comment(out, &format!("Resolve key `{}`: {reason}.", r.key));
    }
    comment(
        out,
        &format!(
            "Item{}: {}, the shortest part of the resolved value that no firing value contains.",
            if r.items.len() == 1 {
                ""
            } else {
                "s, one resolve part each"
            },
            listed(r.items.iter().map(String::as_str), shown)
        ),
    );
    refused(out, &r.refused, shown);
}

/// Texts as a comment lists them: each as `show` writes it, comma-separated.
fn listed<'t>(texts: impl Iterator<Item = &'t str>, show: impl Fn(&str) -> String) -> String {
    texts.map(show).collect::<Vec<_>>().join(", ")
}

fn refused(out: &mut String, refused: &[(String, String)], shown: &dyn Fn(&str) -> String) {
    for (item, why) in refused.iter().take(4) {
        comment(out, &format!("  Refused {}: {why}.", shown(item)));
    }
}

fn field(
    out: &mut String,
    explain: bool,
    toml_key: &str,
    what: &str,
    choice: Option<&Choice>,
    shown: &dyn Fn(&str) -> String,
    none: &str,
) {
    match choice {
        Some(c) => {
            if explain {
                comment(
                    out,
                    &format!(
                        "{what}: `{}`{} ({}), {}.",
                        c.key,
                        if c.nested { ", nested" } else { "" },
                        shown(&c.example),
                        c.reason
                    ),
                );
                if !c.alternatives.is_empty() {
                    let alternatives: Vec<String> = c
                        .alternatives
                        .iter()
                        .map(|(k, why)| format!("{k} ({why})"))
                        .collect();
                    comment(out, &format!("  Other keys: {}.", alternatives.join("; ")));
                }
            }
            let _ = writeln!(out, "{toml_key} = {}", string(&c.key));
        }
        None => {
            if explain {
                comment(out, &format!("{what}: {none}."));
            }
            let _ = writeln!(out, "{toml_key} = \"\"");
        }
    }
}
