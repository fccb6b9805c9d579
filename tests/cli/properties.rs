//! Properties of the evaluator over generated payloads and filter sets: it always terminates without
//! panicking, lazy and full reads agree, case-insensitive matching is a superset of case-sensitive
//! matching, and a filter that matches keeps matching when unrelated keys are added.

use proptest::prelude::*;
use serde_json::{Map, Value};
use sqibs_filter::document::{KeySet, LazyDoc, LazyRef};
use sqibs_filter::eval::{evaluate, trigger_holds};
use sqibs_filter::filter::{Service, parse_service};
use sqibs_filter::payload::{Json, Payload};
use sqibs_filter::semantics::{Combine, EmptyMapValue, NullValues, Semantics, SemanticsLayer};
use std::path::Path;

/// Key names filters read, including dotted and indexed forms; generated payloads use them too.
const NAMES: [&str; 6] = ["status", "Status", "labels", "alerts", "a.b", "id"];
const WORDS: [&str; 8] = ["firing", "FIRING", "Resolved", "ok", "OK", "prod", "", "é"];

fn key_path() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&NAMES[..]).prop_map(str::to_owned),
        (
            prop::sample::select(&NAMES[..]),
            prop::sample::select(&NAMES[..])
        )
            .prop_map(|(a, b)| format!("{a}.{b}")),
        (
            prop::sample::select(&NAMES[..]),
            0..3usize,
            prop::sample::select(&NAMES[..])
        )
            .prop_map(|(a, i, b)| format!("{a}[{i}].{b}")),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(&WORDS[..]).prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&NAMES[..]), inner), 0..5).prop_map(
                |fields| Value::Object(
                    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
                )
            ),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(&NAMES[..]), json_value()), 0..6).prop_map(
        |fields| Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
    )
}

/// A filter file of one to three filters, each with one or two conditions and maybe a resolve part.
fn filter_file() -> impl Strategy<Value = String> {
    fn condition() -> impl Strategy<Value = String> {
        (
            key_path(),
            prop::collection::vec(prop::sample::select(&WORDS[..6]), 1..3),
        )
            .prop_map(|(key, items)| {
                let items: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
                format!("{{ key = {key:?}, contains = [{}] }}", items.join(", "))
            })
    }
    let filter = (
        prop::collection::vec(condition(), 1..3),
        key_path(),
        prop::option::of(key_path()),
        prop::option::of((condition(), key_path())),
    )
        .prop_map(|(conditions, title, map, resolve)| {
            let mut f = format!(
                "[[filter]]\nurgency = \"high\"\n[filter.trigger]\nconditions = [{}]\ntitle_from = {title:?}\n",
                conditions.join(", ")
            );
            if let Some(map) = map {
                f.push_str(&format!("map_with = {map:?}\n"));
            }
            if let Some((condition, mapped)) = resolve {
                f.push_str(&format!(
                    "[filter.resolve]\nconditions = [{condition}]\nmapped_with = {mapped:?}\n"
                ));
            }
            f
        });
    prop::collection::vec(filter, 1..4).prop_map(|filters| filters.join("\n"))
}

fn service(toml: &str, case_sensitive: bool, conditions: Combine) -> Service {
    let layer = SemanticsLayer {
        case_sensitive: Some(case_sensitive),
        conditions: Some(conditions),
        ..SemanticsLayer::default()
    };
    parse_service(Path::new("p.toml"), toml, layer).unwrap()
}

fn semantics(case_sensitive: bool, conditions: Combine) -> Semantics {
    Semantics {
        case_sensitive,
        conditions,
        ..Semantics::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_terminates_and_lazy_and_full_reads_agree(
        toml in filter_file(),
        body in json_value(),
        sensitive in any::<bool>(),
        any_condition in any::<bool>(),
        readings in any::<(bool, bool, bool)>(),
    ) {
        let how = if any_condition { Combine::Any } else { Combine::All };
        let (nested, null_missing, empty_none) = readings;
        let layer = SemanticsLayer {
            case_sensitive: Some(sensitive),
            conditions: Some(how),
            nested_keys: Some(nested),
            null_values: Some(if null_missing { NullValues::Missing } else { NullValues::Text }),
            empty_map_value: Some(if empty_none { EmptyMapValue::None } else { EmptyMapValue::Key }),
            ..SemanticsLayer::default()
        };
        let s = parse_service(Path::new("p.toml"), &toml, layer).unwrap();
        let raw = body.to_string();
        let full = Payload::json(raw.clone(), body);
        let outcome = evaluate(&s, &full);
        let keys = KeySet::of(std::slice::from_ref(&s), std::iter::empty());
        if let Some(doc) = LazyDoc::parse(raw.as_bytes(), &keys).unwrap() {
            let lazy = Payload { raw, json: Ok(Json::Lazy(doc)) };
            prop_assert_eq!(evaluate(&s, &lazy), outcome);
        }
    }

    #[test]
    fn case_insensitive_matching_is_a_superset_of_case_sensitive(toml in filter_file(), body in object()) {
        let s = service(&toml, true, Combine::All);
        for f in &s.filters {
            for how in [Combine::All, Combine::Any] {
                if trigger_holds(f, &body, semantics(true, how)) {
                    prop_assert!(trigger_holds(f, &body, semantics(false, how)));
                }
            }
        }
    }

    #[test]
    fn a_matching_filter_keeps_matching_when_unrelated_keys_are_added(
        toml in filter_file(),
        body in object(),
        extra in prop::collection::vec(("zz_[a-z]{1,6}", json_value()), 1..4),
    ) {
        let s = service(&toml, false, Combine::All);
        let mut wider: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
        for (k, v) in extra {
            wider.insert(k, v);
        }
        let wider = Value::Object(wider);
        for f in &s.filters {
            if trigger_holds(f, &body, s.semantics) {
                prop_assert!(trigger_holds(f, &wider, s.semantics));
                let raw = wider.to_string();
                let keys = KeySet::of(std::slice::from_ref(&s), std::iter::empty());
                let doc = LazyDoc::parse(raw.as_bytes(), &keys).unwrap().unwrap();
                let lazy = LazyRef { doc: &doc, raw: &raw };
                prop_assert!(trigger_holds(f, &lazy, s.semantics));
            }
        }
    }
}
