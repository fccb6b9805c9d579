//! The human `replay` report: a timeline line per request with its warnings and fragile readings, the
//! counts and the incidents left open; with `--diff-filters`, each changed request old beside new,
//! field by field, and the counts of both runs side by side.

use super::refusal;
use crate::command::replay::{LeftOpenIncidents, ReplayReport};
use crate::outcome::Description;
use crate::render::Palette;
use crate::replay::{Change, Counts, Field, Record, ResolveAction, TriggerAction};
use crate::sanitize::{escape, shown};
use crate::secrets::Mask;
use crate::timestamp::format_duration;
use std::io::{self, Write};

/// Rows of the counts shown only when some run did what they count: refusals for a token that only
/// runs with tokens see, and incidents only services in maintenance suppress.
const ONLY_WHEN_SEEN: [&str; 2] = ["forbidden (403)", "suppressed (maintenance)"];

/// Human `replay` output.
pub struct HumanReplay<'w> {
    out: &'w mut dyn Write,
    palette: Palette,
}

impl<'w> HumanReplay<'w> {
    /// A report written to `out`.
    pub fn new(out: &'w mut dyn Write, palette: Palette) -> HumanReplay<'w> {
        HumanReplay { out, palette }
    }

    fn line(&mut self, text: String) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }

    /// What a request did, in words.
    fn what(&self, r: &Record, mask: Mask<'_>) -> String {
        let p = self.palette;
        if let Some(words) = refusal(r.code) {
            return p.error(&format!("{} {words}", r.code));
        }
        match r.code {
            202 if r.actions.is_empty() => p.discarded("202 discarded"),
            code => {
                let actions: Vec<String> = r
                    .actions
                    .iter()
                    .map(|a| {
                        let mut parts = Vec::new();
                        match &a.trigger {
                            Some(TriggerAction::Created(i, _)) => parts.push(format!(
                                "{} #{} \"{}\" {}{}",
                                p.created("created incident"),
                                i.id,
                                shown(&i.title, mask, false),
                                key(i.map_key.as_deref(), mask),
                                i.priority.map_or(String::new(), |p| format!(" {p}"))
                            )),
                            Some(TriggerAction::Duplicate(made)) => {
                                parts.push(format!("duplicate of incident #{}", made.id))
                            }
                            Some(TriggerAction::Suppressed(i)) => parts.push(format!(
                                "{} \"{}\" {}",
                                p.warning("in maintenance: suppressed incident"),
                                shown(&i.title, mask, false),
                                key(i.map_key.as_deref(), mask),
                            )),
                            None => {}
                        }
                        match &a.resolve {
                            Some(ResolveAction::Closed(closed)) => {
                                for (i, age) in closed {
                                    let after = age.map_or(String::new(), |a| {
                                        format!(" after {}", format_duration(a))
                                    });
                                    parts.push(format!(
                                        "{} #{}{after}",
                                        p.resolved("resolved incident"),
                                        i.id
                                    ));
                                }
                            }
                            Some(ResolveAction::Repeated) => parts.push("repeated resolve".into()),
                            Some(ResolveAction::NoOpenIncident(k)) => parts.push(format!(
                                "{} [{}]",
                                p.warning("resolve found no open incident"),
                                shown(k, mask, false)
                            )),
                            Some(ResolveAction::NoMappingValue(k)) => parts.push(format!(
                                "{}: `{}` is not in the payload",
                                p.warning("resolve has no mapping value"),
                                shown(k, mask, false)
                            )),
                            None => {}
                        }
                        let service = shown(&a.service, mask, false);
                        format!("{}: {}", p.service(&service), parts.join(", "))
                    })
                    .collect();
                format!("{code} {}", actions.join("; "))
            }
        }
    }
}

/// The counts of a diff, as labelled rows: `left open` is what was created and not resolved.
fn diff_rows(old: &Counts, new: &Counts) -> [(&'static str, usize, usize); 11] {
    let open = |c: &Counts| c.created.saturating_sub(c.resolved);
    [
        ("incidents created", old.created, new.created),
        ("duplicates folded", old.duplicates, new.duplicates),
        ("resolved", old.resolved, new.resolved),
        ("left open", open(old), open(new)),
        ("discarded (202)", old.discarded, new.discarded),
        (
            "resolves with no open incident",
            old.orphan_resolves,
            new.orphan_resolves,
        ),
        (
            "resolves with no mapping value",
            old.unmapped_resolves,
            new.unmapped_resolves,
        ),
        ("triggers without a mapping key", old.keyless, new.keyless),
        ("unauthorized (401)", old.unauthorized, new.unauthorized),
        ("forbidden (403)", old.forbidden, new.forbidden),
        ("suppressed (maintenance)", old.suppressed, new.suppressed),
    ]
}

/// How a changed field is named in human output.
fn field_label(field: Field) -> &'static str {
    match field {
        Field::Code => "code",
        Field::Trigger => "trigger",
        Field::Filter => "filter",
        Field::Urgency => "urgency",
        Field::Title => "title",
        Field::Description => "description",
        Field::MapKey => "mapping key",
        Field::Resolve => "resolve",
    }
}

/// Characters of a description shown in a change.
const CHANGE_DESCRIPTION: usize = 60;

/// The value of `field` in action `index` of `r`, in words.
fn field_text(r: &Record, index: Option<usize>, field: Field, raw: &str, mask: Mask<'_>) -> String {
    let Some(a) = index.map(|i| &r.actions[i]) else {
        return "202 (does not act)".into();
    };
    let created = match &a.trigger {
        Some(TriggerAction::Created(i, d)) => Some((i, d)),
        _ => None,
    };
    match (field, created) {
        (Field::Code, _) => a.code.to_string(),
        (Field::Filter, Some((i, _))) => {
            format!(
                "\"{}\" (filter {})",
                shown(&i.filter.name, mask, false),
                i.filter.position
            )
        }
        (Field::Urgency, Some((i, _))) => i.urgency.to_string(),
        (Field::Title, Some((i, _))) => format!("\"{}\"", shown(&i.title, mask, false)),
        (Field::Description, Some((_, Description::WholePayload))) => "the whole payload".into(),
        (Field::Description, Some((_, d))) => {
            let text = mask.apply(d.text(raw));
            let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut shown: String = folded.chars().take(CHANGE_DESCRIPTION).collect();
            if shown.len() < folded.len() {
                shown.push('…');
            }
            format!("\"{}\"", escape(&shown, false))
        }
        (Field::MapKey, Some((i, _))) => key(i.map_key.as_deref(), mask),
        (Field::Resolve, _) => match &a.resolve {
            None => "no resolve part matches".into(),
            Some(ResolveAction::Closed(closed)) => {
                let by: Vec<String> = closed
                    .iter()
                    .map(|(i, _)| format!("#{}", i.created_by))
                    .collect();
                match by.as_slice() {
                    [one] => format!("closes the incident created by request {one}"),
                    _ => format!("closes the incidents created by requests {}", by.join(", ")),
                }
            }
            Some(ResolveAction::Repeated) => "repeats a resolve".into(),
            Some(ResolveAction::NoOpenIncident(k)) => {
                format!("finds no open incident [{}]", shown(k, mask, false))
            }
            Some(ResolveAction::NoMappingValue(k)) => {
                format!(
                    "has no mapping value (`{}` is not in the payload)",
                    shown(k, mask, false)
                )
            }
        },
        // The trigger's kind: incident fields are compared only when both sides created one.
        (_, _) => match &a.trigger {
            None => "no trigger part holds".into(),
            Some(TriggerAction::Created(..)) => "creates an incident".into(),
            Some(TriggerAction::Duplicate(made)) => {
                format!(
                    "folds into the incident created by request #{}",
                    made.created_by
                )
            }
            Some(TriggerAction::Suppressed(_)) => "suppresses an incident (maintenance)".into(),
        },
    }
}

fn key(k: Option<&str>, mask: Mask<'_>) -> String {
    match k {
        Some(k) => format!("[{}]", shown(k, mask, false)),
        None => "[no mapping key]".into(),
    }
}

impl ReplayReport for HumanReplay<'_> {
    fn record(&mut self, r: &Record, mask: Mask<'_>) -> io::Result<()> {
        let what = self.what(r, mask);
        self.line(format!(
            "{:>5}  {}  {what}",
            format!("#{}", r.number),
            escape(&r.name, false)
        ))?;
        for w in &r.warnings {
            let warning = self.palette.warning("warning");
            self.line(format!(
                "         {warning}: {}",
                escape(&w.to_string(), false)
            ))?;
        }
        for a in &r.actions {
            for f in &a.fragile {
                self.line(format!(
                    "         {}: {}: with {} this request would {}; the result depends on a reading Callgoose does not document",
                    self.palette.warning("fragile"),
                    self.palette.service(&shown(&a.service, mask, false)),
                    f.reading,
                    shown(&f.outcome, mask, false)
                ))?;
            }
        }
        Ok(())
    }

    fn summary(
        &mut self,
        c: &Counts,
        open: &mut LeftOpenIncidents<'_, '_>,
        skipped: usize,
    ) -> io::Result<()> {
        let p = self.palette;
        self.line(String::new())?;
        self.line(p.heading(&format!("replayed {} requests", c.requests)))?;
        let rows = [
            ("incidents created", c.created),
            ("duplicates folded", c.duplicates),
            ("resolved", c.resolved),
            ("left open", open.len()),
            ("discarded (202)", c.discarded),
            ("resolves with no open incident", c.orphan_resolves),
            ("resolves with no mapping value", c.unmapped_resolves),
            ("triggers without a mapping key", c.keyless),
            ("unauthorized (401)", c.unauthorized),
            ("forbidden (403)", c.forbidden),
            ("suppressed (maintenance)", c.suppressed),
        ];
        let mut rows: Vec<_> = rows
            .into_iter()
            .filter(|&(label, n)| n > 0 || !ONLY_WHEN_SEEN.contains(&label))
            .collect();
        if skipped > 0 {
            rows.push(("skipped (unreadable)", skipped));
        }
        for (label, n) in rows {
            self.line(format!("  {} {n}", p.label(&format!("{label:<31}"))))?;
        }
        if open.len() > 0 {
            self.line(p.heading("left open:"))?;
            for (i, age, mask) in open {
                let age = age.map_or(String::new(), |a| format!(", open {}", format_duration(a)));
                let repeats = match i.duplicates {
                    0 => String::new(),
                    1 => ", 1 duplicate folded".to_owned(),
                    n => format!(", {n} duplicates folded"),
                };
                self.line(format!(
                    "  #{} {}: \"{}\" {}, created by request #{}{repeats}{age}",
                    i.id,
                    p.service(&shown(i.service, mask, false)),
                    shown(i.title, mask, false),
                    key(i.map_key, mask),
                    i.created_by
                ))?;
            }
        }
        Ok(())
    }

    fn change(
        &mut self,
        old: &Record,
        new: &Record,
        changes: &[Change],
        raw: &str,
        mask: Mask<'_>,
    ) -> io::Result<()> {
        let (before, after) = (self.what(old, mask), self.what(new, mask));
        self.line(format!(
            "{:>5}  {}\n         old: {before}\n         new: {after}",
            format!("#{}", old.number),
            escape(&old.name, false)
        ))?;
        for c in changes {
            let service = c
                .old
                .map(|i| &old.actions[i])
                .or(c.new.map(|i| &new.actions[i]))
                .map_or("", |a| a.service.as_str());
            let (was, is) = (
                field_text(old, c.old, c.field, raw, mask),
                field_text(new, c.new, c.field, raw, mask),
            );
            self.line(format!(
                "         {}: {} {}: {was} -> {is}",
                self.palette.warning("changed"),
                self.palette.service(service),
                field_label(c.field)
            ))?;
        }
        Ok(())
    }

    fn diff_summary(
        &mut self,
        old: &Counts,
        new: &Counts,
        changed: usize,
        skipped: usize,
    ) -> io::Result<()> {
        let p = self.palette;
        self.line(String::new())?;
        let verdict = if changed == 0 {
            p.created(&format!(
                "no request of {} changes its outcome",
                old.requests
            ))
        } else {
            p.warning(&format!(
                "{changed} of {} requests change their outcome",
                old.requests
            ))
        };
        self.line(verdict)?;
        self.line(format!(
            "  {:<31} {:>8} {:>8} {:>8}",
            "", "old", "new", "change"
        ))?;
        for (label, a, b) in diff_rows(old, new) {
            if a == 0 && b == 0 && ONLY_WHEN_SEEN.contains(&label) {
                continue;
            }
            let row = if a == b {
                format!("  {label:<31} {a:>8} {b:>8}")
            } else {
                let change = format!("{:+}", b as i64 - a as i64);
                p.warning(&format!("  {label:<31} {a:>8} {b:>8} {change:>8}"))
            };
            self.line(row)?;
        }
        if skipped > 0 {
            self.line(format!("  skipped (unreadable) {skipped}"))?;
        }
        Ok(())
    }
}
