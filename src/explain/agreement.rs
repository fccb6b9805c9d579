//! The trace agrees with evaluation over generated payloads and filter sets, under every reading: the
//! filter whose trigger part it marks used is the one `evaluate` fires, the resolve part it marks used
//! is the one `evaluate` resolves with, and nothing is marked used when `evaluate` discards. And
//! `fragility`, which skips the readings that cannot matter to a body, names exactly the readings under
//! which evaluating the body again gives another result; and the near misses of a discard, which
//! hint only the first miss of each part, show that miss as the full trace does.

use super::{Trace, Verdict, fragility, near_misses, trace};
use crate::document::{KeySet, LazyDoc};
use crate::eval::evaluate;
use crate::filter::{Service, parse_service};
use crate::keypath::Step;
use crate::payload::{Json, NotJson, Payload};
use crate::semantics::{Combine, EmptyMapValue, NullValues, Reading, SemanticsLayer};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

/// Key names that filters read and payloads hold, in two cases and with a dotted one that is also a
/// path (`a.b`), so that keys are found, missed by case, nested, and read two ways.
const NAMES: [&str; 8] = [
    "status", "Status", "labels", "alerts", "a.b", "a", "b", "id",
];

/// Items and value words: mixed case, letters whose case folds to more bytes (`İ`) or not at all
/// (`ß`), the text of a JSON null, and the empty item that every value contains.
const WORDS: [&str; 13] = [
    "firing", "FIRING", "Firing", "resolved", "ok", "OK", "prod", "é", "É", "İ", "ß", "null", "",
];

fn name() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&NAMES[..])
}

fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&WORDS[..])
}

/// A condition key, kept apart from its spelling so that a body can be given a value where it reads.
#[derive(Debug, Clone)]
enum Key {
    /// `status` (`a.b` is also a path).
    Top(&'static str),
    /// `labels.status`.
    Path(&'static str, &'static str),
    /// `alerts[1].status`.
    Indexed(&'static str, usize, &'static str),
    /// `"a.b"`: exactly one top-level key.
    Quoted(&'static str),
}

impl Key {
    fn written(&self) -> String {
        match self {
            Key::Top(n) => (*n).to_owned(),
            Key::Path(a, b) => format!("{a}.{b}"),
            Key::Indexed(a, i, b) => format!("{a}[{i}].{b}"),
            Key::Quoted(n) => format!("\"{n}\""),
        }
    }

    /// The steps to a value this key reads: through literal dotted keys, or through their parts.
    fn steps(&self, literal: bool) -> Vec<Step> {
        let names = |n: &str| -> Vec<Step> {
            if literal {
                vec![Step::Key(n.to_owned())]
            } else {
                n.split('.').map(|p| Step::Key(p.to_owned())).collect()
            }
        };
        match self {
            Key::Top(n) => names(n),
            Key::Path(a, b) => names(&format!("{a}.{b}")),
            Key::Indexed(a, i, b) => [names(a), vec![Step::Index(*i)], names(b)].concat(),
            Key::Quoted(n) => vec![Step::Key((*n).to_owned())],
        }
    }
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        3 => name().prop_map(Key::Top),
        2 => (name(), name()).prop_map(|(a, b)| Key::Path(a, b)),
        1 => (name(), 0..2usize, name()).prop_map(|(a, i, b)| Key::Indexed(a, i, b)),
        1 => name().prop_map(Key::Quoted),
    ]
}

/// `value` put at `steps` in `body`, making the objects and arrays on the way; left out where the body
/// already holds something else on the way.
fn place(body: &mut Value, steps: &[Step], value: Value) {
    let Some((step, rest)) = steps.split_first() else {
        *body = value;
        return;
    };
    let empty = || match rest.first() {
        Some(Step::Index(_)) => Value::Array(Vec::new()),
        _ => Value::Object(serde_json::Map::new()),
    };
    let child = match (step, body) {
        (Step::Key(k), Value::Object(map)) => map.entry(k.clone()).or_insert_with(empty),
        (Step::Index(i), Value::Array(items)) => {
            if items.len() <= *i {
                items.resize(i + 1, Value::Null);
            }
            &mut items[*i]
        }
        _ => return,
    };
    if rest.is_empty() || child.is_object() || child.is_array() {
        place(child, rest, value);
    }
}

/// A text of one to three words, as values are.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..4).prop_map(|w| w.join(" "))
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => (-3i64..3).prop_map(Value::from),
        4 => text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            object(inner),
        ]
    })
}

fn object(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    prop::collection::vec((name(), values), 0..5).prop_map(|fields| {
        Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

/// A value for a condition on `items`: most often a text holding some of them, each as written,
/// upper-cased or lower-cased, else null, a number or unrelated words.
fn value_for(items: Vec<&'static str>) -> impl Strategy<Value = Value> {
    let ways = prop::collection::vec(0..4u8, items.len());
    let holding = (ways, text()).prop_map(move |(ways, filler)| {
        let mut words: Vec<String> = items
            .iter()
            .zip(ways)
            .filter_map(|(item, way)| match way {
                0 => None,
                1 => Some(item.to_uppercase()),
                2 => Some(item.to_lowercase()),
                _ => Some((*item).to_owned()),
            })
            .collect();
        words.push(filler);
        Value::from(words.join(" "))
    });
    prop_oneof![
        1 => Just(Value::Null),
        1 => (-3i64..3).prop_map(Value::from),
        1 => text().prop_map(Value::from),
        5 => holding,
    ]
}

/// A condition: its key and one to three items.
#[derive(Debug, Clone)]
struct Cond {
    key: Key,
    items: Vec<&'static str>,
}

impl Cond {
    fn written(&self) -> String {
        let items: Vec<String> = self.items.iter().map(|i| format!("{i:?}")).collect();
        let key = self.key.written();
        format!("{{ key = {key:?}, contains = [{}] }}", items.join(", "))
    }
}

fn cond() -> impl Strategy<Value = Cond> {
    (key(), prop::collection::vec(word(), 1..4)).prop_map(|(key, items)| Cond { key, items })
}

/// A filter: up to two trigger conditions (rarely none: a catch-all), maybe a resolve condition.
type FilterSpec = (Vec<Cond>, Option<Cond>);

fn filter_file(filters: &[FilterSpec]) -> String {
    let written = |conds: &[Cond]| {
        conds
            .iter()
            .map(Cond::written)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut toml = String::new();
    for (trigger, resolve) in filters {
        toml.push_str(&format!(
            "[[filter]]\nurgency = \"high\"\n[filter.trigger]\nconditions = [{}]\ntitle_from = \"id\"\nmap_with = \"id\"\n",
            written(trigger)
        ));
        if let Some(resolve) = resolve {
            toml.push_str(&format!(
                "[filter.resolve]\nconditions = [{}]\nmapped_with = \"id\"\n",
                written(std::slice::from_ref(resolve))
            ));
        }
    }
    toml
}

/// One to four filters as a filter file, and a body that gives most of their condition keys a value
/// (at a literal dotted key or through its parts) among unrelated keys; now and then a body that is
/// not an object.
fn filters_and_body() -> impl Strategy<Value = (String, Value)> {
    let conditions = prop_oneof![
        1 => Just(Vec::new()),
        12 => prop::collection::vec(cond(), 1..3),
    ];
    let filter = (conditions, prop::option::of(cond()));
    prop::collection::vec(filter, 1..5)
        .prop_flat_map(|filters| {
            let placed: Vec<_> = filters
                .iter()
                .flat_map(|(trigger, resolve)| trigger.iter().chain(resolve))
                .map(|c| {
                    let key = Just(c.key.clone());
                    prop::option::weighted(0.8, (key, any::<bool>(), value_for(c.items.clone())))
                })
                .collect();
            let base = prop_oneof![6 => object(value()), 1 => value()];
            (Just(filter_file(&filters)), base, placed)
        })
        .prop_map(|(toml, mut body, placed)| {
            for (key, literal, value) in placed.into_iter().flatten() {
                place(&mut body, &key.steps(literal), value);
            }
            (toml, body)
        })
}

/// Every reading that decides what a request does, each either way.
fn readings() -> impl Strategy<Value = SemanticsLayer> {
    any::<[bool; 5]>().prop_map(|[case, any, nested, null, empty]| SemanticsLayer {
        case_sensitive: Some(case),
        conditions: Some(if any { Combine::Any } else { Combine::All }),
        nested_keys: Some(nested),
        null_values: Some(if null {
            NullValues::Missing
        } else {
            NullValues::Text
        }),
        empty_map_value: Some(if empty {
            EmptyMapValue::None
        } else {
            EmptyMapValue::Key
        }),
        ..SemanticsLayer::default()
    })
}

/// How a body reaches evaluation: parsed whole, read lazily, or not JSON at all.
#[derive(Debug, Clone, Copy)]
enum Form {
    Full,
    Lazy,
    NotJson,
}

fn payload(body: &Value, form: Form, service: &Service) -> Payload {
    let raw = body.to_string();
    match form {
        Form::NotJson => Payload {
            raw: format!("{raw} not JSON"),
            json: Err(NotJson {
                line: 1,
                column: raw.len() + 2,
                message: "trailing characters".into(),
            }),
        },
        Form::Lazy => {
            let keys = KeySet::of(std::slice::from_ref(service), std::iter::empty());
            match LazyDoc::parse(raw.as_bytes(), &keys) {
                Ok(Some(doc)) => Payload {
                    raw,
                    json: Ok(Json::Lazy(doc)),
                },
                // Not an object: read whole, as reading a body does.
                _ => Payload::json(raw, body.clone()),
            }
        }
        Form::Full => Payload::json(raw, body.clone()),
    }
}

/// Mostly JSON, read whole or lazily, now and then not JSON.
fn form() -> impl Strategy<Value = Form> {
    prop_oneof![2 => Just(Form::Full), 2 => Just(Form::Lazy), 1 => Just(Form::NotJson)]
}

/// The filter file read under `layer`, and `body` as a request reaches it in `form`.
fn service_and_payload(
    toml: &str,
    layer: SemanticsLayer,
    body: &Value,
    form: Form,
) -> (Service, Payload) {
    let s = parse_service(Path::new("p.toml"), toml, layer).unwrap();
    let payload = payload(body, form, &s);
    (s, payload)
}

/// The position of the filter whose trigger or resolve part the trace marks used, and how many are.
fn used(t: &Trace, resolve: bool) -> (Option<usize>, usize) {
    let marked: Vec<usize> = t
        .filters
        .iter()
        .filter(|f| {
            let part = if resolve {
                f.resolve.as_ref()
            } else {
                Some(&f.trigger)
            };
            part.is_some_and(|p| p.verdict == Verdict::Used)
        })
        .map(|f| f.filter.position)
        .collect();
    (marked.first().copied(), marked.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_filter_the_trace_marks_used_is_the_one_evaluation_fires(
        (toml, body) in filters_and_body(),
        layer in readings(),
        form in form(),
    ) {
        let (s, payload) = service_and_payload(&toml, layer, &body, form);
        let outcome = evaluate(&s, &payload);
        let t = trace(&s, &payload);
        let (trigger, triggers) = used(&t, false);
        prop_assert_eq!(trigger, outcome.trigger.as_ref().map(|i| i.filter.position));
        prop_assert!(triggers <= 1, "{} trigger parts marked used", triggers);
        let (resolve, resolves) = used(&t, true);
        prop_assert_eq!(resolve, outcome.resolve.as_ref().map(|r| r.filter.position));
        prop_assert!(resolves <= 1, "{} resolve parts marked used", resolves);
    }

    #[test]
    fn fragility_names_every_reading_that_changes_the_result_and_no_other(
        (toml, body) in filters_and_body(),
        layer in readings(),
        form in form(),
    ) {
        let (s, payload) = service_and_payload(&toml, layer, &body, form);
        let outcome = evaluate(&s, &payload);
        let named: Vec<&str> = fragility(&s, &payload, None, &outcome).iter().map(|f| f.reading).collect();
        // Every reading evaluated again, on the body parsed whole, nothing skipped.
        let whole = match form {
            Form::NotJson => payload.clone(),
            _ => Payload::json(payload.raw.clone(), body.clone()),
        };
        let changing: Vec<&str> = Reading::EVALUATION
            .into_iter()
            .filter_map(|reading| {
                let (semantics, name) = s.semantics.flipped(reading);
                let o = evaluate(&s.under(semantics), &whole);
                (o.trigger != outcome.trigger || o.resolve != outcome.resolve).then_some(name)
            })
            .collect();
        prop_assert_eq!(named, changing);
    }

    #[test]
    fn near_misses_show_what_the_full_trace_shows_for_each_parts_first_miss(
        (toml, body) in filters_and_body(),
        layer in readings(),
        form in form(),
    ) {
        let (s, payload) = service_and_payload(&toml, layer, &body, form);
        let (full, near) = (trace(&s, &payload), near_misses(&s, &payload));
        let first_misses = |t: &Trace| -> Vec<Option<super::ConditionTrace>> {
            t.filters
                .iter()
                .flat_map(|f| std::iter::once(&f.trigger).chain(f.resolve.as_ref()))
                .map(|part| part.conditions.iter().find(|c| !c.holds).cloned())
                .collect()
        };
        prop_assert_eq!(first_misses(&full), first_misses(&near));
    }
}
