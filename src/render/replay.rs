//! The `replay` reports: a timeline line per request and a summary (human), or one object per request
//! and a summary (JSON); with `--diff-filters`, the requests whose outcome changed and the counts side by
//! side. Tokens are hidden by the output streams themselves (see `secrets`).

use super::Palette;
use super::sanitize::escape;
use crate::filter::Priority;
use crate::replay::{Counts, Record, ResolveAction, TriggerAction};
use crate::simulation::Incident;
use crate::timestamp::{Millis, format_duration};
use serde::Serialize;
use serde_json::{Value, json};
use std::io::{self, Write};

/// A report of `replay`, in one output format.
pub trait ReplayReport {
    /// One request replayed.
    fn record(&mut self, r: &Record) -> io::Result<()>;
    /// The end of a replay: counts and the incidents left open.
    fn summary(
        &mut self,
        c: &Counts,
        open: &[(&Incident, Option<Millis>)],
        skipped: usize,
    ) -> io::Result<()>;
    /// A request whose outcome differs between the old and the new filters.
    fn change(&mut self, old: &Record, new: &Record) -> io::Result<()>;
    /// The end of a filter diff.
    fn diff_summary(
        &mut self,
        old: &Counts,
        new: &Counts,
        changed: usize,
        skipped: usize,
    ) -> io::Result<()>;
}

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
    fn what(&self, r: &Record) -> String {
        let p = self.palette;
        match r.code {
            401 => p.error("401 unauthorized: the request's token is missing or does not match"),
            202 => p.discarded("202 discarded"),
            code => {
                let actions: Vec<String> = r
                    .actions
                    .iter()
                    .map(|a| {
                        let mut parts = Vec::new();
                        match &a.trigger {
                            Some(TriggerAction::Created(i)) => parts.push(format!(
                                "{} #{} \"{}\" {}{}",
                                p.created("created incident"),
                                i.id,
                                escape(&i.title, false),
                                key(&i.map_key),
                                i.priority.map_or(String::new(), |p| format!(" {p}"))
                            )),
                            Some(TriggerAction::Duplicate(id)) => {
                                parts.push(format!("duplicate of incident #{id}"))
                            }
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
                                "{} {}",
                                p.warning("resolve found no open incident"),
                                key(k)
                            )),
                            None => {}
                        }
                        format!("{}: {}", p.service(&a.service), parts.join(", "))
                    })
                    .collect();
                format!("{code} {}", actions.join("; "))
            }
        }
    }
}

fn key(k: &Option<String>) -> String {
    match k {
        Some(k) => format!("[{}]", escape(k, false)),
        None => "[no mapping key]".into(),
    }
}

impl ReplayReport for HumanReplay<'_> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        let what = self.what(r);
        self.line(format!(
            "{:>5}  {}  {what}",
            format!("#{}", r.number),
            escape(&r.name, false)
        ))
    }

    fn summary(
        &mut self,
        c: &Counts,
        open: &[(&Incident, Option<Millis>)],
        skipped: usize,
    ) -> io::Result<()> {
        let p = self.palette;
        self.line(String::new())?;
        self.line(p.heading(&format!("replayed {} requests", c.requests)))?;
        let mut rows = vec![
            ("incidents created", c.created),
            ("duplicates folded", c.duplicates),
            ("resolved", c.resolved),
            ("left open", open.len()),
            ("discarded (202)", c.discarded),
            ("resolves with no open incident", c.orphan_resolves),
            ("triggers without a mapping key", c.keyless),
            ("unauthorized (401)", c.unauthorized),
        ];
        if skipped > 0 {
            rows.push(("skipped (unreadable)", skipped));
        }
        for (label, n) in rows {
            self.line(format!("  {} {n}", p.label(&format!("{label:<31}"))))?;
        }
        if !open.is_empty() {
            self.line(p.heading("left open:"))?;
            for (i, age) in open {
                let age = age.map_or(String::new(), |a| format!(", open {}", format_duration(a)));
                let repeats = match i.duplicates {
                    0 => String::new(),
                    1 => ", 1 duplicate folded".to_owned(),
                    n => format!(", {n} duplicates folded"),
                };
                self.line(format!(
                    "  #{} {}: \"{}\" {}, created by request #{}{repeats}{age}",
                    i.id,
                    p.service(&i.service),
                    escape(&i.title, false),
                    key(&i.map_key),
                    i.created_by
                ))?;
            }
        }
        Ok(())
    }

    fn change(&mut self, old: &Record, new: &Record) -> io::Result<()> {
        let (before, after) = (self.what(old), self.what(new));
        self.line(format!(
            "{:>5}  {}\n         old: {before}\n         new: {after}",
            format!("#{}", old.number),
            escape(&old.name, false)
        ))
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
        self.line(format!("  {:<31} {:>8} {:>8}", "", "old", "new"))?;
        let rows = [
            ("incidents created", old.created, new.created),
            ("duplicates folded", old.duplicates, new.duplicates),
            ("resolved", old.resolved, new.resolved),
            ("discarded (202)", old.discarded, new.discarded),
            (
                "resolves with no open incident",
                old.orphan_resolves,
                new.orphan_resolves,
            ),
            ("triggers without a mapping key", old.keyless, new.keyless),
            ("unauthorized (401)", old.unauthorized, new.unauthorized),
        ];
        for (label, a, b) in rows {
            let row = format!("  {label:<31} {a:>8} {b:>8}");
            self.line(if a == b { row } else { p.warning(&row) })?;
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
    triggered: TriggeredJson,
    resolved: ResolvedJson,
    actions: Vec<ActionJson<'a>>,
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
    service: &'a str,
    code: u16,
    trigger: Option<TriggerJson<'a>>,
    resolve: Option<ResolveJson<'a>>,
}

#[derive(Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
enum TriggerJson<'a> {
    Created {
        incident: usize,
        title: &'a str,
        map_key: Option<&'a str>,
        priority: Option<&'static str>,
    },
    Duplicate {
        incident: usize,
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
        map_key: Option<&'a str>,
    },
}

fn record_json(r: &Record) -> RecordJson<'_> {
    let actions = r
        .actions
        .iter()
        .map(|a| ActionJson {
            service: &a.service,
            code: a.code.status(),
            trigger: a.trigger.as_ref().map(|t| match t {
                TriggerAction::Created(i) => TriggerJson::Created {
                    incident: i.id,
                    title: &i.title,
                    map_key: i.map_key.as_deref(),
                    priority: i.priority.map(Priority::as_str),
                },
                TriggerAction::Duplicate(id) => TriggerJson::Duplicate { incident: *id },
            }),
            resolve: a.resolve.as_ref().map(|r| match r {
                ResolveAction::Closed(closed) => ResolveJson::Resolved {
                    incidents: closed.iter().map(|(i, _)| i.id).collect(),
                    open_ms: closed.iter().map(|(_, age)| *age).collect(),
                },
                ResolveAction::Repeated => ResolveJson::Repeated {},
                ResolveAction::NoOpenIncident(k) => ResolveJson::NoOpenIncident {
                    map_key: k.as_deref(),
                },
            }),
        })
        .collect();
    RecordJson {
        r#type: "request",
        number: r.number,
        name: &r.name,
        code: r.code,
        triggered: TriggeredJson {
            created: r.created,
            duplicate: r.duplicate,
        },
        resolved: ResolvedJson {
            resolved: r.resolved,
            duplicate: r.resolve_duplicate,
        },
        actions,
    }
}

fn counts_json(c: &Counts) -> Value {
    json!({
        "requests": c.requests, "created": c.created, "duplicates": c.duplicates,
        "resolved": c.resolved, "discarded": c.discarded, "orphan_resolves": c.orphan_resolves,
        "keyless": c.keyless, "unauthorized": c.unauthorized,
    })
}

impl ReplayReport for JsonReplay<'_> {
    fn record(&mut self, r: &Record) -> io::Result<()> {
        // The hot path of a long replay: serialised into one reused buffer, written once.
        self.buffer.clear();
        serde_json::to_writer(&mut self.buffer, &record_json(r))?;
        self.buffer.push(b'\n');
        self.out.write_all(&self.buffer)
    }

    fn summary(
        &mut self,
        c: &Counts,
        open: &[(&Incident, Option<Millis>)],
        skipped: usize,
    ) -> io::Result<()> {
        #[derive(Serialize)]
        struct Open<'a> {
            incident: usize,
            service: &'a str,
            title: &'a str,
            map_key: Option<&'a str>,
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
            open: Vec<Open<'a>>,
        }
        let summary = Summary {
            r#type: "summary",
            counts: counts_json(c),
            skipped,
            open: open
                .iter()
                .map(|(i, age)| Open {
                    incident: i.id,
                    service: &i.service,
                    title: &i.title,
                    map_key: i.map_key.as_deref(),
                    created_by: i.created_by,
                    duplicates: i.duplicates,
                    open_ms: *age,
                })
                .collect(),
        };
        let text = serde_json::to_string(&summary)?;
        writeln!(self.out, "{text}")
    }

    fn change(&mut self, old: &Record, new: &Record) -> io::Result<()> {
        self.line(json!({
            "type": "change", "number": old.number, "name": old.name,
            "old": serde_json::to_value(record_json(old))?,
            "new": serde_json::to_value(record_json(new))?,
        }))
    }

    fn diff_summary(
        &mut self,
        old: &Counts,
        new: &Counts,
        changed: usize,
        skipped: usize,
    ) -> io::Result<()> {
        self.line(json!({
            "type": "diff_summary", "changed": changed, "skipped": skipped,
            "old": counts_json(old), "new": counts_json(new),
        }))
    }
}
