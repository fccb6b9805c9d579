//! The `replay` reports: a timeline line per request and a summary (human), or one object per request
//! and a summary (JSON); with `--diff-filters`, the requests whose outcome changed and the counts side by
//! side. A request's values are masked with its own secrets (see `sanitize`), and an open incident's
//! with those of the request that opened it.

use super::Palette;
use super::sanitize::{escape, masked, shown};
use crate::command::replay::{OpenIncident, ReplayReport};
use crate::filter::Priority;
use crate::outcome::Description;
use crate::replay::{Change, Counts, Field, Record, ResolveAction, TriggerAction};
use crate::secrets::Mask;
use crate::timestamp::{Millis, format_duration};
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::io::{self, Write};

/// What a refused request's status means: the human timeline and the JSON `error` say the same.
fn refusal(code: u16) -> Option<&'static str> {
    match code {
        401 => Some("unauthorized: the request carries no API token"),
        403 => Some("forbidden: the request's API token is none Callgoose knows"),
        _ => None,
    }
}

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
                                key(&i.map_key, mask),
                                i.priority.map_or(String::new(), |p| format!(" {p}"))
                            )),
                            Some(TriggerAction::Duplicate(made)) => {
                                parts.push(format!("duplicate of incident #{}", made.id))
                            }
                            Some(TriggerAction::Suppressed(i)) => parts.push(format!(
                                "{} \"{}\" {}",
                                p.warning("in maintenance: suppressed incident"),
                                shown(&i.title, mask, false),
                                key(&i.map_key, mask),
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
        (Field::MapKey, Some((i, _))) => key(&i.map_key, mask),
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

fn key(k: &Option<String>, mask: Mask<'_>) -> String {
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

    fn summary(&mut self, c: &Counts, open: &[OpenIncident<'_>], skipped: usize) -> io::Result<()> {
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
        if !open.is_empty() {
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
                    p.service(&shown(&i.service, *mask, false)),
                    shown(&i.title, *mask, false),
                    key(&i.map_key, *mask),
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

/// JSON Lines `replay` output.
pub struct JsonReplay<'w> {
    out: &'w mut dyn Write,
    buffer: Vec<u8>,
}

impl<'w> JsonReplay<'w> {
    /// A report written to `out`.
    pub fn new(out: &'w mut dyn Write) -> JsonReplay<'w> {
        JsonReplay {
            out,
            buffer: Vec::new(),
        }
    }

    fn line(&mut self, value: Value) -> io::Result<()> {
        writeln!(self.out, "{value}")
    }
}

#[derive(Serialize)]
struct RecordJson<'a> {
    r#type: &'static str,
    number: usize,
    name: &'a str,
    code: u16,
    response: ResponseJson,
    actions: Vec<ActionJson<'a>>,
    warnings: Vec<WarningJson>,
}

#[derive(Serialize)]
struct WarningJson {
    kind: &'static str,
    message: String,
}

/// The body Callgoose answers with: its documented shape for a processed request, an error for a
/// refused one (Callgoose documents no body for those).
#[derive(Serialize)]
#[serde(untagged)]
enum ResponseJson {
    Processed {
        id: usize,
        triggered: TriggeredJson,
        resolved: ResolvedJson,
    },
    Refused {
        error: &'static str,
    },
}

#[derive(Serialize)]
struct TriggeredJson {
    created: bool,
    duplicate: bool,
}

#[derive(Serialize)]
struct ResolvedJson {
    resolved: bool,
    duplicate: bool,
}

#[derive(Serialize)]
struct ActionJson<'a> {
    service: Cow<'a, str>,
    code: u16,
    trigger: Option<TriggerJson<'a>>,
    resolve: Option<ResolveJson<'a>>,
    /// Present only when some reading of the simulation would change the action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fragile: Vec<FragileJson<'a>>,
}

#[derive(Serialize)]
struct FragileJson<'a> {
    reading: &'static str,
    outcome: Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
enum TriggerJson<'a> {
    Created {
        incident: usize,
        title: Cow<'a, str>,
        map_key: Option<Cow<'a, str>>,
        priority: Option<&'static str>,
    },
    Duplicate {
        incident: usize,
    },
    Suppressed {
        title: Cow<'a, str>,
        map_key: Option<Cow<'a, str>>,
        priority: Option<&'static str>,
    },
}

#[derive(Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
enum ResolveJson<'a> {
    Resolved {
        incidents: Vec<usize>,
        open_ms: Vec<Option<Millis>>,
    },
    Repeated {},
    NoOpenIncident {
        map_key: Cow<'a, str>,
    },
    NoMappingValue {
        key: Cow<'a, str>,
    },
}

fn record_json<'a>(r: &'a Record, mask: Mask<'_>) -> RecordJson<'a> {
    let actions = r
        .actions
        .iter()
        .map(|a| ActionJson {
            service: masked(&a.service, mask),
            code: a.code.status(),
            trigger: a.trigger.as_ref().map(|t| match t {
                TriggerAction::Created(i, _) => TriggerJson::Created {
                    incident: i.id,
                    title: masked(&i.title, mask),
                    map_key: i.map_key.as_deref().map(|k| masked(k, mask)),
                    priority: i.priority.map(Priority::as_str),
                },
                TriggerAction::Duplicate(made) => TriggerJson::Duplicate { incident: made.id },
                TriggerAction::Suppressed(i) => TriggerJson::Suppressed {
                    title: masked(&i.title, mask),
                    map_key: i.map_key.as_deref().map(|k| masked(k, mask)),
                    priority: i.priority.map(Priority::as_str),
                },
            }),
            resolve: a.resolve.as_ref().map(|r| match r {
                ResolveAction::Closed(closed) => ResolveJson::Resolved {
                    incidents: closed.iter().map(|(i, _)| i.id).collect(),
                    open_ms: closed.iter().map(|(_, age)| *age).collect(),
                },
                ResolveAction::Repeated => ResolveJson::Repeated {},
                ResolveAction::NoOpenIncident(k) => ResolveJson::NoOpenIncident {
                    map_key: masked(k, mask),
                },
                ResolveAction::NoMappingValue(k) => ResolveJson::NoMappingValue {
                    key: masked(k, mask),
                },
            }),
            fragile: a
                .fragile
                .iter()
                .map(|f| FragileJson {
                    reading: f.reading,
                    outcome: masked(&f.outcome, mask),
                })
                .collect(),
        })
        .collect();
    RecordJson {
        r#type: "request",
        number: r.number,
        name: &r.name,
        code: r.code,
        response: match refusal(r.code) {
            Some(error) => ResponseJson::Refused { error },
            None => ResponseJson::Processed {
                id: r.number,
                triggered: TriggeredJson {
                    created: r.created,
                    duplicate: r.duplicate,
                },
                resolved: ResolvedJson {
                    resolved: r.resolved,
                    duplicate: r.resolve_duplicate,
                },
            },
        },
        actions,
        warnings: r
            .warnings
            .iter()
            .map(|w| WarningJson {
                kind: w.kind(),
                message: w.to_string(),
            })
            .collect(),
    }
}

/// The counts under their JSON names.
fn counts_fields(c: &Counts) -> [(&'static str, usize); 11] {
    [
        ("requests", c.requests),
        ("created", c.created),
        ("duplicates", c.duplicates),
        ("resolved", c.resolved),
        ("discarded", c.discarded),
        ("orphan_resolves", c.orphan_resolves),
        ("unmapped_resolves", c.unmapped_resolves),
        ("keyless", c.keyless),
        ("unauthorized", c.unauthorized),
        ("forbidden", c.forbidden),
        ("suppressed", c.suppressed),
    ]
}

fn counts_json(c: &Counts) -> Value {
    let fields = counts_fields(c).map(|(name, n)| (name.to_owned(), Value::from(n)));
    Value::Object(fields.into_iter().collect())
}

/// The value of `field` in action `index` of `r`, as JSON (`null` for a side that does not act, except
/// its code: 202).
fn field_json(r: &Record, index: Option<usize>, field: Field, raw: &str, mask: Mask<'_>) -> Value {
    let Some(a) = index.map(|i| &r.actions[i]) else {
        return if field == Field::Code {
            json!(202)
        } else {
            Value::Null
        };
    };
    let created = match &a.trigger {
        Some(TriggerAction::Created(i, d)) => Some((i, d)),
        _ => None,
    };
    match (field, created) {
        (Field::Code, _) => json!(a.code.status()),
        (Field::Filter, Some((i, _))) => {
            json!({"name": masked(&i.filter.name, mask), "position": i.filter.position})
        }
        (Field::Urgency, Some((i, _))) => json!(i.urgency.as_str()),
        (Field::Title, Some((i, _))) => json!(masked(&i.title, mask)),
        (Field::Description, Some((_, d))) => json!(masked(d.text(raw), mask)),
        (Field::MapKey, Some((i, _))) => json!(i.map_key.as_deref().map(|k| masked(k, mask))),
        (Field::Resolve, _) => match &a.resolve {
            None => Value::Null,
            Some(ResolveAction::Closed(closed)) => json!({
                "action": "resolved",
                "created_by": closed.iter().map(|(i, _)| i.created_by).collect::<Vec<_>>(),
            }),
            Some(ResolveAction::Repeated) => json!({"action": "repeated"}),
            Some(ResolveAction::NoOpenIncident(k)) => {
                json!({"action": "no-open-incident", "map_key": masked(k, mask)})
            }
            Some(ResolveAction::NoMappingValue(k)) => {
                json!({"action": "no-mapping-value", "key": masked(k, mask)})
            }
        },
        (_, _) => match &a.trigger {
            None => Value::Null,
            Some(TriggerAction::Created(..)) => json!({"action": "created"}),
            Some(TriggerAction::Duplicate(made)) => {
                json!({"action": "duplicate", "created_by": made.created_by})
            }
            Some(TriggerAction::Suppressed(_)) => json!({"action": "suppressed"}),
        },
    }
}

impl ReplayReport for JsonReplay<'_> {
    fn record(&mut self, r: &Record, mask: Mask<'_>) -> io::Result<()> {
        // The hot path of a long replay: serialised into one reused buffer, written once.
        self.buffer.clear();
        serde_json::to_writer(&mut self.buffer, &record_json(r, mask))?;
        self.buffer.push(b'\n');
        self.out.write_all(&self.buffer)
    }

    fn summary(&mut self, c: &Counts, open: &[OpenIncident<'_>], skipped: usize) -> io::Result<()> {
        #[derive(Serialize)]
        struct OpenJson<'a> {
            incident: usize,
            service: Cow<'a, str>,
            title: Cow<'a, str>,
            map_key: Option<Cow<'a, str>>,
            created_by: usize,
            duplicates: usize,
            open_ms: Option<Millis>,
        }
        #[derive(Serialize)]
        struct Summary<'a> {
            r#type: &'static str,
            #[serde(flatten)]
            counts: Value,
            skipped: usize,
            open: Vec<OpenJson<'a>>,
        }
        let summary = Summary {
            r#type: "summary",
            counts: counts_json(c),
            skipped,
            open: open
                .iter()
                .map(|&(i, age, mask)| OpenJson {
                    incident: i.id,
                    service: masked(&i.service, mask),
                    title: masked(&i.title, mask),
                    map_key: i.map_key.as_deref().map(|k| masked(k, mask)),
                    created_by: i.created_by,
                    duplicates: i.duplicates,
                    open_ms: age,
                })
                .collect(),
        };
        let text = serde_json::to_string(&summary)?;
        writeln!(self.out, "{text}")
    }

    fn change(
        &mut self,
        old: &Record,
        new: &Record,
        changes: &[Change],
        raw: &str,
        mask: Mask<'_>,
    ) -> io::Result<()> {
        let changes: Vec<Value> = changes
            .iter()
            .map(|c| {
                let service = c
                    .old
                    .map(|i| &old.actions[i])
                    .or(c.new.map(|i| &new.actions[i]))
                    .map_or(Cow::Borrowed(""), |a| masked(&a.service, mask));
                json!({
                    "service": service, "field": c.field.name(),
                    "old": field_json(old, c.old, c.field, raw, mask),
                    "new": field_json(new, c.new, c.field, raw, mask),
                })
            })
            .collect();
        self.line(json!({
            "type": "change", "number": old.number, "name": old.name,
            "changes": changes,
            "old": serde_json::to_value(record_json(old, mask))?,
            "new": serde_json::to_value(record_json(new, mask))?,
        }))
    }

    fn diff_summary(
        &mut self,
        old: &Counts,
        new: &Counts,
        changed: usize,
        skipped: usize,
    ) -> io::Result<()> {
        let differing: Vec<&str> = counts_fields(old)
            .iter()
            .zip(counts_fields(new))
            .filter(|((_, a), (_, b))| a != b)
            .map(|((name, _), _)| *name)
            .collect();
        self.line(json!({
            "type": "diff_summary", "changed": changed, "skipped": skipped,
            "old": counts_json(old), "new": counts_json(new), "differing": differing,
        }))
    }
}
