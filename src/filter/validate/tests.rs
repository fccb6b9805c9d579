//! Reading filter files field by field: the same structure as the derived types, urgency and
//! priority, empty optional keys, condition counts and a filter list of the wrong type.

use super::*;
use crate::filter::{Priority, Urgency, parse_doc};

const VALID: &str = r#"
service = "s"
from = "F"
[semantics]
case_sensitive = true
[[filter]]
name = "a"
urgency = "P2"
[filter.trigger]
conditions = [{ key = "s", contains = ["x"] }, { key = "t", contains = ["y", "z"] }]
title_from = "t"
description_from = "d"
map_with = "id"
[filter.resolve]
conditions = [{ key = "s", contains = ["ok"] }]
mapped_with = "id"
"#;

/// Whether the field-by-field reading and the derived types (which `lint` points into) accept it.
fn both(text: &str) -> (bool, bool) {
    let src = SourceFile {
        name: "f.toml",
        text,
    };
    let read = read(src, Path::new("f.toml"), SemanticsLayer::default()).is_ok();
    (read, parse_doc(&src).is_ok())
}

#[test]
fn the_reader_and_the_types_accept_the_same_structure() {
    assert_eq!(both(VALID), (true, true));
    // Each structural change breaks both; limits (not structure) are the reader's alone.
    for (from, to) in [
        ("urgency = \"P2\"", "priority = 2"),
        ("mapped_with = \"id\"\n", ""),
        ("key = \"s\", contains = [\"ok\"]", "key = \"s\""),
        ("key = \"s\", contains = [\"ok\"]", "contains = [\"ok\"]"),
        ("[filter.trigger]", "[filter.trigger]\nextra = 1"),
        ("map_with = \"id\"", "map_with = 1"),
        ("name = \"a\"", "name = []"),
        ("from = \"F\"", "from = { a = 1 }"),
        ("case_sensitive = true", "case_sensitive = \"yes\""),
        ("case_sensitive = true", "conditions = \"some\""),
        ("case_sensitive = true", "case = true"),
        ("contains = [\"y\", \"z\"]", "contains = [\"y\", 2]"),
    ] {
        let text = VALID.replacen(from, to, 1);
        assert_eq!(both(&text), (false, false), "{to}");
    }
    let optional = VALID
        .replace("title_from = \"t\"\n", "")
        .replace("conditions = [{ key = \"s\", contains = [\"x\"] }, { key = \"t\", contains = [\"y\", \"z\"] }]\n", "")
        .replace("description_from = \"d\"\n", "")
        .replace("map_with = \"id\"\n", "")
        .replace("name = \"a\"\n", "")
        .replace("[semantics]\ncase_sensitive = true\n", "");
    assert_eq!(both(&optional), (true, true));
}

fn service(text: &str) -> Result<Service, Vec<String>> {
    let src = SourceFile {
        name: "f.toml",
        text,
    };
    read(src, Path::new("f.toml"), SemanticsLayer::default())
        .map_err(|errors| errors.into_iter().map(|d| d.message).collect())
}

#[test]
fn urgency_and_priority_give_each_other_or_must_agree() {
    let with = |fields: &str| service(&VALID.replace("urgency = \"P2\"", fields));
    let level = |fields: &str| {
        let f = &with(fields).unwrap().filters[0];
        (f.urgency, f.priority.map(Priority::as_str))
    };
    assert_eq!(level("urgency = \"high\""), (Urgency::High, None));
    assert_eq!(level("urgency = \"p4\""), (Urgency::Low, Some("P4")));
    assert_eq!(level("priority = \"P4\""), (Urgency::Low, Some("P4")));
    assert_eq!(
        level("urgency = \"High\"\npriority = \"P3\""),
        (Urgency::High, Some("P3"))
    );
    assert_eq!(
        level("urgency = \"P5\"\npriority = \"P5\""),
        (Urgency::Low, Some("P5"))
    );
    assert_eq!(
        with("urgency = \"low\"\npriority = \"P2\"").unwrap_err(),
        ["`priority = \"P2\"` pages with high urgency, but `urgency = \"low\"`"]
    );
    assert_eq!(
        with("urgency = \"P2\"\npriority = \"P3\"").unwrap_err(),
        ["`priority = \"P3\"` and `urgency = \"P2\"` give two different priorities"]
    );
    assert_eq!(
        with("priority = \"high\"").unwrap_err(),
        ["unknown priority `high`"]
    );
    assert_eq!(
        with("").unwrap_err(),
        ["missing field `urgency` or `priority`"]
    );
}

#[test]
fn empty_optional_keys_and_from_are_not_set() {
    let text = VALID
        .replace("from = \"F\"", "from = \"\"")
        .replace("title_from = \"t\"", "title_from = \"\"")
        .replace("description_from = \"d\"", "description_from = \"\"")
        .replace("map_with = \"id\"", "map_with = \"\"");
    let s = service(&text).unwrap();
    let t = &s.filters[0].trigger;
    assert_eq!(s.from, None);
    assert_eq!(
        (&t.title_from, &t.description_from, &t.map_with),
        (&None, &None, &None)
    );
}

#[test]
fn a_trigger_may_have_no_conditions_but_not_three() {
    let two = "conditions = [{ key = \"s\", contains = [\"x\"] }, { key = \"t\", contains = [\"y\", \"z\"] }]";
    for none in ["conditions = []", ""] {
        let s = service(&VALID.replace(two, none)).unwrap();
        assert!(s.filters[0].trigger.conditions.is_empty(), "{none:?}");
    }
    let three = two.replace("] }]", "] }, { key = \"u\", contains = [\"w\"] }]");
    assert_eq!(
        service(&VALID.replace(two, &three)).unwrap_err(),
        ["the trigger part has 3 conditions: Callgoose allows at most 2 conditions"]
    );
    // A resolve part still needs its one condition.
    let no_resolve_condition = VALID.replace(
        "[filter.resolve]\nconditions = [{ key = \"s\", contains = [\"ok\"] }]\n",
        "[filter.resolve]\n",
    );
    assert_eq!(
        service(&no_resolve_condition).unwrap_err(),
        ["missing field `conditions`"]
    );
}

#[test]
fn a_filter_list_of_the_wrong_type_is_one_error() {
    let src = SourceFile {
        name: "f.toml",
        text: "filter = \"x\"\n",
    };
    let errors = read(src, Path::new("f.toml"), SemanticsLayer::default()).unwrap_err();
    let messages: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        ["invalid type: string \"x\", expected an array of tables"]
    );
}
