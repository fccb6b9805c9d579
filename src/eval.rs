//! Callgoose's evaluation of one request against one service, as a pure function: trigger parts in
//! order with the first that holds creating the incident, resolve parts evaluated for the same request,
//! the title, description and mapping key extracted with their fallbacks.

pub mod rule;

use crate::document::{Document, LazyRef, NoKeys};
use crate::filter::{Filter, Service, State};
use crate::keypath::KeyPath;
use crate::outcome::{Code, Description, FilterRef, Incident, Outcome, Resolution};
use crate::payload::{Json, Payload};
use crate::semantics::{EmptyMapValue, Semantics};
use crate::warning::Warning;
use rule::{is_null, read};
use std::borrow::Cow;

/// What Callgoose would do with `payload` for `service`.
pub fn evaluate(service: &Service, payload: &Payload) -> Outcome {
    evaluate_from(service, payload, service.from.as_deref())
}

/// [`evaluate`] for a request whose `from=` parameter is `from` (captured traffic carries its own).
/// The service's state applies: a disabled one does nothing, one in maintenance suppresses the
/// incident its trigger would create.
pub fn evaluate_from(service: &Service, payload: &Payload, from: Option<&str>) -> Outcome {
    let mut outcome = match service.state {
        State::Disabled => return Outcome::nothing(),
        State::Enabled | State::Maintenance => evaluate_payload(service, payload, from),
    };
    if service.state == State::Maintenance {
        outcome.suppress();
    }
    outcome
}

fn evaluate_payload(service: &Service, payload: &Payload, from: Option<&str>) -> Outcome {
    match &payload.json {
        Ok(Json::Full(value)) => {
            let mut outcome = evaluate_document(service, value, from);
            if let Some(kind) = not_an_object(value) {
                outcome.warnings.insert(0, Warning::NotAnObject { kind });
            }
            outcome
        }
        Ok(Json::Lazy(doc)) => {
            let doc = LazyRef {
                doc,
                raw: &payload.raw,
            };
            evaluate_document(service, &doc, from)
        }
        // No key can be read from a body that is not JSON; only a trigger without conditions holds.
        Err(e) => {
            let mut outcome = evaluate_document(service, &NoKeys, from);
            outcome.warnings.insert(
                0,
                Warning::NotJson {
                    line: e.line,
                    column: e.column,
                    message: e.message.clone(),
                },
            );
            outcome
        }
    }
}

fn evaluate_document<D: Document + ?Sized>(
    service: &Service,
    json: &D,
    from: Option<&str>,
) -> Outcome {
    let mut warnings = Vec::new();
    let semantics = service.semantics;
    let trigger = service
        .filters
        .iter()
        .find(|f| trigger_holds(f, json, semantics))
        .map(|filter| incident(from, filter, json, semantics, &mut warnings));

    let resolve = service.filters.iter().find_map(|f| {
        let part = f.resolve.as_ref()?;
        rule::holds(&part.condition, json, semantics).then(|| {
            let mut map_key = lookup_text(&part.mapped_with, json, semantics);
            match &map_key {
                None => warnings.push(Warning::ResolveKeyMissing {
                    filter: f.name.clone(),
                    key: part.mapped_with.to_string(),
                }),
                Some(value) => {
                    if let Some(w) = suspect_map_value(&part.mapped_with, value, json, semantics) {
                        if is_no_key(&w) {
                            map_key = None;
                        }
                        // A trigger on the same key has said it already.
                        if !warnings.contains(&w) {
                            warnings.push(w);
                        }
                    }
                }
            }
            Resolution {
                filter: FilterRef::from(f),
                map_key,
            }
        })
    });

    let code = match (&trigger, &resolve) {
        (Some(_), _) => Code::Created,
        (None, Some(_)) => Code::Resolved,
        (None, None) => Code::Discarded,
    };
    Outcome {
        code,
        trigger,
        resolve,
        suppressed: None,
        warnings,
    }
}

/// The kind of a top-level value that is not an object.
fn not_an_object(value: &serde_json::Value) -> Option<&'static str> {
    use serde_json::Value as V;
    match value {
        V::Object(_) => None,
        V::Array(_) => Some("array"),
        V::String(_) => Some("string"),
        V::Number(_) => Some("number"),
        V::Bool(_) => Some("boolean"),
        V::Null => Some("null"),
    }
}

/// Whether the trigger part of `filter` holds for `json`.
pub fn trigger_holds<D: Document + ?Sized>(
    filter: &Filter,
    json: &D,
    semantics: Semantics,
) -> bool {
    let t = &filter.trigger;
    let held = t.conditions.iter().map(|c| rule::holds(c, json, semantics));
    t.holds(semantics.conditions, held)
}

fn lookup_text<D: Document + ?Sized>(
    key: &KeyPath,
    json: &D,
    semantics: Semantics,
) -> Option<String> {
    read(key, json, semantics).map(Cow::into_owned)
}

/// The incident `filter` creates from `json`, with Callgoose's fallbacks.
fn incident<D: Document + ?Sized>(
    from: Option<&str>,
    filter: &Filter,
    json: &D,
    semantics: Semantics,
    warnings: &mut Vec<Warning>,
) -> Incident {
    let t = &filter.trigger;
    let found = t
        .title_from
        .as_ref()
        .map(|key| (key, lookup_text(key, json, semantics)));
    let title = match found {
        Some((key, Some(value))) => {
            if value.trim().is_empty() {
                warnings.push(Warning::EmptyTitle {
                    key: key.to_string(),
                });
            } else if is_null(key, &value, json) {
                warnings.push(Warning::NullTitle {
                    key: key.to_string(),
                });
            }
            match from {
                Some(from) => format!("{from} - {value}"),
                None => value,
            }
        }
        Some((key, None)) => {
            let title = fallback_title(from);
            warnings.push(Warning::TitleFallback {
                key: key.to_string(),
                title: title.clone(),
            });
            title
        }
        // No title key: the fallback is the title asked for, as a description without a key is the
        // whole payload.
        None => fallback_title(from),
    };
    let description = match &t.description_from {
        Some(key) => match lookup_text(key, json, semantics) {
            Some(value) => {
                if value.trim().is_empty() {
                    warnings.push(Warning::EmptyDescription {
                        key: key.to_string(),
                    });
                } else if is_null(key, &value, json) {
                    warnings.push(Warning::NullDescription {
                        key: key.to_string(),
                    });
                }
                Description::Value(value)
            }
            None => {
                warnings.push(Warning::DescriptionFallback {
                    key: key.to_string(),
                });
                Description::WholePayload
            }
        },
        None => Description::WholePayload,
    };
    let map_key = match &t.map_with {
        Some(key) => {
            let mut found = lookup_text(key, json, semantics);
            match &found {
                None => warnings.push(Warning::MapKeyMissing {
                    key: key.to_string(),
                }),
                Some(value) => {
                    if let Some(w) = suspect_map_value(key, value, json, semantics) {
                        if is_no_key(&w) {
                            found = None;
                        }
                        warnings.push(w);
                    }
                }
            }
            found
        }
        None => {
            warnings.push(Warning::NoMapWith {
                filter: filter.name.clone(),
            });
            None
        }
    };
    Incident {
        filter: FilterRef::from(filter),
        urgency: filter.urgency,
        priority: filter.priority,
        title,
        description,
        map_key,
    }
}

/// The warning a mapping value earns when it would fold unrelated alerts into one incident, or,
/// empty under `empty_map_value = "none"`, is no mapping value at all.
fn suspect_map_value<D: Document + ?Sized>(
    key: &KeyPath,
    value: &str,
    json: &D,
    semantics: Semantics,
) -> Option<Warning> {
    let key_text = || key.to_string();
    if value.trim().is_empty() {
        Some(Warning::EmptyMapKey {
            key: key_text(),
            no_key: semantics.empty_map_value == EmptyMapValue::None,
        })
    } else if is_null(key, value, json) {
        Some(Warning::NullMapKey { key: key_text() })
    } else {
        None
    }
}

/// Whether `w` says that the mapping value is read as none.
fn is_no_key(w: &Warning) -> bool {
    matches!(w, Warning::EmptyMapKey { no_key: true, .. })
}

/// The title of an incident whose title key is absent or not set (or whose body is not JSON).
pub fn fallback_title(from: Option<&str>) -> String {
    match from {
        Some(from) => format!("Incident from {from}"),
        None => "Incident from unknown source".to_owned(),
    }
}

#[cfg(test)]
mod tests;
