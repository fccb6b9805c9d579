//! Lookups of every spelling of a key: flat, nested, literal dotted, quoted, indexed and top-level only;
//! and every reading of any key agreeing with the others.

use super::*;
use serde_json::json;

fn get(key: &str, payload: &Value) -> Option<Value> {
    KeyPath::parse(key).lookup(payload).cloned()
}

#[test]
fn flat_key() {
    assert_eq!(
        get("status", &json!({"status": "firing"})),
        Some(json!("firing"))
    );
}

#[test]
fn missing_key_is_none() {
    assert_eq!(get("state", &json!({"status": "firing"})), None);
}

#[test]
fn keys_are_case_sensitive() {
    assert_eq!(get("eventid", &json!({"eventId": "e1"})), None);
}

#[test]
fn dot_path_into_objects() {
    let p = json!({"labels": {"namespace": "production"}});
    assert_eq!(get("labels.namespace", &p), Some(json!("production")));
}

#[test]
fn numeric_segment_indexes_arrays() {
    let p = json!({"alerts": [{"labels": {"alertname": "A"}}, {"labels": {"alertname": "B"}}]});
    assert_eq!(get("alerts.1.labels.alertname", &p), Some(json!("B")));
    assert_eq!(get("alerts[0].labels.alertname", &p), Some(json!("A")));
    assert_eq!(get("alerts[2].labels.alertname", &p), None);
}

#[test]
fn nested_arrays_by_brackets() {
    let p = json!({"m": [[1, 2], [3, 4]]});
    assert_eq!(get("m[1][0]", &p), Some(json!(3)));
    assert_eq!(get("m.1.0", &p), Some(json!(3)));
}

#[test]
fn top_level_dotted_key_is_matched_first() {
    let p = json!({"labels.namespace": "literal", "labels": {"namespace": "nested"}});
    assert_eq!(get("labels.namespace", &p), Some(json!("literal")));
}

#[test]
fn dotted_key_below_the_top_level() {
    let p = json!({"labels": {"app.kubernetes.io/name": "checkout"}});
    assert_eq!(
        get("labels.app.kubernetes.io/name", &p),
        Some(json!("checkout"))
    );
}

#[test]
fn falls_back_to_shorter_names_when_the_longer_literal_leads_nowhere() {
    let p = json!({"a.b": {"x": 1}, "a": {"b": {"c": 2}}});
    assert_eq!(get("a.b.c", &p), Some(json!(2)));
}

#[test]
fn bracket_index_does_not_read_object_keys() {
    assert_eq!(get("m[0]", &json!({"m": {"0": "x"}})), None);
    assert_eq!(get("m.0", &json!({"m": {"0": "x"}})), Some(json!("x")));
}

#[test]
fn malformed_brackets_stay_part_of_the_name() {
    assert_eq!(get("a[x]", &json!({"a[x]": 1})), Some(json!(1)));
    assert_eq!(get("b.a[x]", &json!({"b": {"a[x]": 1}})), Some(json!(1)));
}

#[test]
fn locate_says_where_the_value_was_found() {
    let p = json!({"alerts": [{"labels.x": {"y": 1}}], "a.b": 2});
    let at = |key: &str| {
        KeyPath::parse(key)
            .locate(&p)
            .map(|(_, path)| path.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    assert_eq!(
        at("alerts[0].labels.x.y"),
        Some(vec![
            "alerts".to_owned(),
            "0".to_owned(),
            "labels.x".to_owned(),
            "y".to_owned()
        ])
    );
    assert_eq!(at("a.b"), Some(vec!["a.b".to_owned()]));
    assert_eq!(at("alerts.1"), None);
}

#[test]
fn scalars_have_no_children() {
    assert_eq!(get("status.code", &json!({"status": "firing"})), None);
    assert_eq!(get("status", &json!("status")), None);
}

#[test]
fn a_quoted_name_is_one_key_whatever_it_holds() {
    let p = json!({"labels": {"app.kubernetes.io/name": "checkout", "a[0]": 1, "x\"y": 2}});
    assert_eq!(
        get(r#"labels."app.kubernetes.io/name""#, &p),
        Some(json!("checkout"))
    );
    assert_eq!(
        get(r#"labels["app.kubernetes.io/name"]"#, &p),
        Some(json!("checkout"))
    );
    assert_eq!(get(r#"labels."a[0]""#, &p), Some(json!(1)));
    assert_eq!(get(r#"labels."x\"y""#, &p), Some(json!(2)));
    assert_eq!(get(r#"["labels"]["a[0]"]"#, &p), Some(json!(1)));
    assert_eq!(get(r#""labels".missing"#, &p), None);
}

#[test]
fn quotes_choose_between_a_literal_dotted_key_and_a_nested_path() {
    let p = json!({"labels.namespace": "literal", "labels": {"namespace": "nested"}});
    assert_eq!(get("labels.namespace", &p), Some(json!("literal")));
    assert_eq!(get(r#""labels.namespace""#, &p), Some(json!("literal")));
    assert_eq!(get(r#"labels."namespace""#, &p), Some(json!("nested")));
    assert_eq!(get(r#""labels"."namespace""#, &p), Some(json!("nested")));
    assert_eq!(get(r#"labels["namespace"]"#, &p), Some(json!("nested")));
    // Quoted, the literal key is never split at its dots.
    let nested_only = json!({"labels": {"namespace": "nested"}});
    assert_eq!(get(r#""labels.namespace""#, &nested_only), None);
}

#[test]
fn a_quoted_name_reads_object_keys_only() {
    let p = json!({"alerts": [{"s": 1}], "m": {"0": "x"}});
    assert_eq!(get(r#"alerts."0".s"#, &p), None);
    assert_eq!(get(r#"alerts[0]."s""#, &p), Some(json!(1)));
    assert_eq!(get(r#"m."0""#, &p), Some(json!("x")));
}

#[test]
fn quotes_that_are_not_well_formed_stay_part_of_the_name() {
    for key in [
        r#"a"b"#,
        r#"labels."open"#,
        r#""a"b"#,
        r#"a.."b""#,
        r#"a.["b"]"#,
        r#"["a""#,
        r#"x."y"."#,
    ] {
        let p = json!({ key: 1 });
        assert_eq!(get(key, &p), Some(json!(1)), "{key}");
    }
    // Not well formed, a quote is an ordinary character of a name below the top level too.
    assert_eq!(get(r#"a.b"c"#, &json!({"a": {"b\"c": 1}})), Some(json!(1)));
}

#[test]
fn a_quoted_key_is_never_matched_as_written() {
    let p = json!({r#""a""#: "as written", "a": "unquoted"});
    assert_eq!(get(r#""a""#, &p), Some(json!("unquoted")));
}

#[test]
fn backslashes_escape_only_quotes_and_backslashes() {
    let p = json!({"a\\b": 1, "c\\": 2, "d\\e": 3});
    assert_eq!(get(r#""a\\b""#, &p), Some(json!(1)));
    assert_eq!(get(r#""c\\""#, &p), Some(json!(2)));
    assert_eq!(get(r#""d\e""#, &p), Some(json!(3)));
}

#[test]
fn first_steps_of_quoted_keys_are_their_names() {
    let steps = |key: &str| KeyPath::parse(key).first_steps().to_vec();
    assert_eq!(steps(r#""a.b".c"#), [("a.b".to_owned(), 1)]);
    assert_eq!(steps(r#"labels."x""#), [("labels".to_owned(), 1)]);
    assert_eq!(
        steps("a.b"),
        [
            ("a.b".to_owned(), 2),
            ("a.b".to_owned(), 2),
            ("a".to_owned(), 1)
        ]
    );
}

#[test]
fn both_readings_are_found_and_the_first_is_the_one_used() {
    let p = json!({"a.b": {"c": 1}, "a": {"b": {"c": 2}}});
    let key = KeyPath::parse("a.b.c");
    let r = key.readings(&p).unwrap();
    assert_eq!(r.used.0, &json!(1));
    assert_eq!(spell_exact(&r.used.1), r#""a.b"."c""#);
    let (value, path) = r.other.unwrap();
    assert_eq!(value, &json!(2));
    assert_eq!(spell_exact(&path), r#""a"."b"."c""#);
    assert_eq!(key.lookup(&p), Some(r.used.0));
    // One reading: no other.
    let nested = json!({"a": {"b": {"c": 2}}});
    assert_eq!(key.readings(&nested).unwrap().other, None);
}

#[test]
fn spelled_paths_read_back_what_they_name() {
    let p = json!({"alerts": [{"labels": {"app.kubernetes.io/name": "x", "q\"": "y"}}]});
    let key = KeyPath::parse(r#"alerts[0].labels."app.kubernetes.io/name""#);
    let (_, path) = key.locate(&p).unwrap();
    assert_eq!(spell(&path), r#"alerts.0.labels."app.kubernetes.io/name""#);
    assert_eq!(
        spell_exact(&path),
        r#""alerts"[0]."labels"."app.kubernetes.io/name""#
    );
    for spelled in [spell(&path), spell_exact(&path)] {
        assert_eq!(get(&spelled, &p), Some(json!("x")), "{spelled}");
    }
    let quote = vec![
        Step::Key("alerts".into()),
        Step::Index(0),
        Step::Key("labels".into()),
        Step::Key("q\"".into()),
    ];
    assert_eq!(spell(&quote), r#"alerts.0.labels."q\"""#);
    assert_eq!(get(&spell(&quote), &p), Some(json!("y")));
}

#[test]
fn the_last_name_is_unquoted() {
    assert_eq!(
        KeyPath::parse("alerts[0].labels.alertname").last_name(),
        "alertname"
    );
    assert_eq!(
        KeyPath::parse(r#"labels."app.kubernetes.io/name""#).last_name(),
        "app.kubernetes.io/name"
    );
}

#[test]
fn spellings_of_one_path_read_alike() {
    let reads_as = |a: &str, b: &str| KeyPath::parse(a).reads_as(&KeyPath::parse(b));
    assert!(reads_as(r#"a."b.c""#, r#"a["b.c"]"#));
    assert!(reads_as("a.b", "a.b"));
    assert!(!reads_as("a.b", r#""a"."b""#));
    assert!(!reads_as("a.b", "a.c"));
}

#[test]
fn stray_quotes_are_noticed() {
    assert!(KeyPath::parse(r#"labels."open"#).has_stray_quote());
    assert!(!KeyPath::parse(r#"labels."a.b""#).has_stray_quote());
    assert!(!KeyPath::parse("labels.a").has_stray_quote());
}

#[test]
fn without_nesting_a_key_names_one_top_level_key() {
    let flat =
        |key: &str, payload: &Value| KeyPath::parse(key).read_as(false).lookup(payload).cloned();
    let p = json!({"labels": {"namespace": "nested"}, "alerts": [{"x": 1}], "status": "firing"});
    assert_eq!(flat("status", &p), Some(json!("firing")));
    assert_eq!(flat("labels.namespace", &p), None);
    assert_eq!(flat("alerts.0.x", &p), None);
    assert_eq!(flat("alerts[0].x", &p), None);
    let literal =
        json!({"labels.namespace": "literal", "alerts[0].x": 2, "labels": {"namespace": "n"}});
    assert_eq!(flat("labels.namespace", &literal), Some(json!("literal")));
    assert_eq!(flat("alerts[0].x", &literal), Some(json!(2)));
    // One quoted name is that key; a quoted path of several names can only mean a nested value.
    assert_eq!(
        flat(r#""labels.namespace""#, &literal),
        Some(json!("literal"))
    );
    assert_eq!(flat(r#"labels."namespace""#, &literal), None);
    assert_eq!(
        KeyPath::parse(r#"labels."namespace""#)
            .read_as(false)
            .top_level_name(),
        None
    );
    // And back: the path reads as before.
    let again = KeyPath::parse("labels.namespace")
        .read_as(false)
        .read_as(true);
    assert_eq!(again, KeyPath::parse("labels.namespace"));
    assert_eq!(again.lookup(&p), Some(&json!("nested")));
}

#[test]
fn without_nesting_every_read_agrees_and_starts_from_the_one_name() {
    let p = json!({"labels.ns": "literal", "labels": {"ns": "nested"}});
    let key = KeyPath::parse("labels.ns").read_as(false);
    assert!(!key.is_nested());
    assert_eq!(key.first_steps(), [("labels.ns".to_owned(), 2)]);
    assert!(key.is_complete(2));
    let r = key.readings(&p).unwrap();
    assert_eq!((r.used.0, r.other), (&json!("literal"), None));
    assert_eq!(key.locate(&p).unwrap().1, [Step::Key("labels.ns".into())]);
    assert_eq!(lazily(&key, &p), Some(json!("literal")));
    assert!(key.reads_as(&KeyPath::parse(r#""labels.ns""#).read_as(false)));
    assert!(!key.reads_as(&KeyPath::parse("labels.ns")));
}

/// A payload whose keys are made of path syntax.
fn tricky() -> Value {
    json!({
        "a": {"b": [{"a.b": 1, "\"": 2}, 3], "a\\": {"]": 4}},
        "a.b": {"0": 5, "a[0]": 6},
        "\"a\"": 7, "a[0]": 8, "": {"": 9}, "0": [10]
    })
}

/// What a lazy read does: a top-level value by its first step, then the rest of the path in it.
fn lazily(key: &KeyPath, payload: &Value) -> Option<Value> {
    let map = payload.as_object()?;
    key.first_steps().iter().find_map(|(first, consumed)| {
        let value = map.get(first)?;
        if key.is_complete(*consumed) {
            Some(value.clone())
        } else {
            key.lookup_rest(value, *consumed).cloned()
        }
    })
}

/// Every path in `value`, with the value it leads to.
pub(crate) fn paths(value: &Value, at: &mut Vec<Step>, out: &mut Vec<(Vec<Step>, Value)>) {
    let children: Vec<(Step, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Step::Index(i), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        at.push(step);
        out.push((at.clone(), child.clone()));
        paths(child, at, out);
        at.pop();
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

    #[test]
    fn every_read_of_any_key_agrees(key in "[ab0.\\[\\]\"\\\\]{0,12}") {
        let p = tricky();
        let k = KeyPath::parse(&key);
        let found = k.lookup(&p);
        proptest::prop_assert_eq!(found, k.locate(&p).map(|(v, _)| v));
        proptest::prop_assert_eq!(found, k.readings(&p).map(|r| r.used.0));
        proptest::prop_assert_eq!(found.cloned(), lazily(&k, &p));
        let flat = k.read_as(false);
        let top = flat.lookup(&p);
        proptest::prop_assert_eq!(top, flat.locate(&p).map(|(v, _)| v));
        proptest::prop_assert_eq!(top.cloned(), lazily(&flat, &p));
        proptest::prop_assert_eq!(top, flat.top_level_name().and_then(|n| p.get(n)));
    }
}

#[test]
fn exact_spellings_read_back_every_path() {
    let p = tricky();
    let mut all = Vec::new();
    paths(&p, &mut Vec::new(), &mut all);
    for (path, value) in all {
        let exact = spell_exact(&path);
        assert_eq!(get(&exact, &p), Some(value.clone()), "{exact}");
        assert_eq!(lazily(&KeyPath::parse(&exact), &p), Some(value), "{exact}");
    }
}
