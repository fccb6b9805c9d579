//! The JSON Lines `replay` report: one object per request (its response as Callgoose would give it, and
//! the action of each service), one object per incident left open, then a summary; with `--diff-filters`, one object
//! per changed request, its changes field by field, and the counts of both runs.

use super::refusal;
use crate::command::replay::{LeftOpenIncidents, ReplayReport};
use crate::filter::Priority;
use crate::replay::{Change, Counts, Field, Record, ResolveAction, TriggerAction};
use crate::sanitize::masked;
use crate::secrets::Mask;
use crate::simulation::OpenIncident;
use crate::timestamp::Millis;
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use std::io::{self, Write};

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

/// One request's line.
#[derive(Serialize)]
pub(in crate::render) struct RecordJson<'a> {
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

/// `r` as one line of `replay --format json` spells it; the API log of `serve` shows the same.
pub(in crate::render) fn record_json<'a>(r: &'a Record, mask: Mask<'_>) -> RecordJson<'a> {
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
        response: response_json(r),
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

/// The body the process endpoint answers `r` with.
fn response_json(r: &Record) -> ResponseJson {
    match refusal(r.code) {
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
    }
}

/// The body `serve` answers `r` with: the `response` of `r`'s line in `replay --format json`, so the
/// two are one definition. It holds flags, a number and fixed words: never a value of the request.
pub fn response_body(r: &Record) -> Vec<u8> {
    // Serialising booleans, a number and static strings cannot fail.
    serde_json::to_vec(&response_json(r)).unwrap_or_default()
}

/// An incident left open, as the summary of `replay --format json` and the API of `serve` show it.
#[derive(Serialize)]
pub(in crate::render) struct OpenJson<'a> {
    incident: usize,
    service: Cow<'a, str>,
    title: Cow<'a, str>,
    map_key: Option<Cow<'a, str>>,
    created_by: usize,
    duplicates: usize,
    open_ms: Option<Millis>,
}

impl<'a> OpenJson<'a> {
    /// `i`, open for `age`, masked with the secrets of the request that opened it.
    pub(in crate::render) fn new(
        i: &OpenIncident<'a>,
        age: Option<Millis>,
        mask: Mask<'_>,
    ) -> OpenJson<'a> {
        OpenJson {
            incident: i.id,
            service: masked(i.service, mask),
            title: masked(i.title, mask),
            map_key: i.map_key.map(|k| masked(k, mask)),
            created_by: i.created_by,
            duplicates: i.duplicates,
            open_ms: age,
        }
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

    fn summary(
        &mut self,
        c: &Counts,
        open: &mut LeftOpenIncidents<'_, '_>,
        skipped: usize,
    ) -> io::Result<()> {
        #[derive(Serialize)]
        struct OpenLine<'a> {
            r#type: &'static str,
            #[serde(flatten)]
            incident: OpenJson<'a>,
        }
        #[derive(Serialize)]
        struct Summary {
            r#type: &'static str,
            #[serde(flatten)]
            counts: Value,
            skipped: usize,
            open: usize,
        }
        // One line per incident, as they come: however many are open, none is held as text.
        let count = open.len();
        for (i, age, mask) in open {
            self.buffer.clear();
            let line = OpenLine {
                r#type: "open_incident",
                incident: OpenJson::new(&i, age, mask),
            };
            serde_json::to_writer(&mut self.buffer, &line)?;
            self.buffer.push(b'\n');
            self.out.write_all(&self.buffer)?;
        }
        self.line(serde_json::to_value(Summary {
            r#type: "summary",
            counts: counts_json(c),
            skipped,
            open: count,
        })?)
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
