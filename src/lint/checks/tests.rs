//! The checks under the service's readings: how conditions combine, case sensitivity and nested keys.

use super::*;
use crate::filter::{parse_doc, parse_service};
use crate::semantics::{Combine, SemanticsLayer};
use std::path::Path;

fn codes(toml: &str, cli: SemanticsLayer) -> Vec<&'static str> {
    let src = SourceFile {
        name: "f.toml",
        text: toml,
    };
    let service = parse_service(Path::new("f.toml"), toml, cli).unwrap();
    let doc = parse_doc(&src).unwrap();
    check(&src, &doc, &service)
        .iter()
        .filter_map(|d| d.code)
        .collect()
}

const TWO: &str = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a", contains = ["x"] }, { key = "b", contains = ["y"] }]
title_from = "t"

[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a", contains = ["xx"] }]
title_from = "t"
"#;

#[test]
fn shadowing_depends_on_how_conditions_combine() {
    // all: the first needs b too, which the second does not guarantee.
    assert_eq!(codes(TWO, SemanticsLayer::default()), Vec::<&str>::new());
    // any: a alone fires the first, and the second's a = "xx" always contains "x".
    let any = SemanticsLayer {
        conditions: Some(Combine::Any),
        ..SemanticsLayer::default()
    };
    assert_eq!(codes(TWO, any), ["shadowed-filter"]);
}

#[test]
fn case_sensitivity_decides_what_contains_what() {
    let toml = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["Firing", "firing"] }]
title_from = "t"
"#;
    assert_eq!(codes(toml, SemanticsLayer::default()), ["duplicate-item"]);
    let sensitive = SemanticsLayer {
        case_sensitive: Some(true),
        ..SemanticsLayer::default()
    };
    assert_eq!(codes(toml, sensitive), Vec::<&str>::new());
}

#[test]
fn keys_compare_as_the_service_reads_them() {
    let flat = SemanticsLayer {
        nested_keys: Some(false),
        ..SemanticsLayer::default()
    };
    // Without nesting, `a.b` and `"a.b"` are the one top-level key; with it, `a.b` may be a path.
    let mapping = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "s", contains = ["firing"] }]
title_from = "t"
map_with = "a.b"
[filter.resolve]
conditions = [{ key = "s", contains = ["resolved"] }]
mapped_with = '"a.b"'
"#;
    assert_eq!(
        codes(mapping, SemanticsLayer::default()),
        ["mapping-keys-differ"]
    );
    assert_eq!(codes(mapping, flat), Vec::<&str>::new());
    let shadowing = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = "a.b", contains = ["x"] }]
title_from = "t"

[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = '"a.b"', contains = ["xx"] }]
title_from = "t"
"#;
    assert_eq!(
        codes(shadowing, SemanticsLayer::default()),
        Vec::<&str>::new()
    );
    assert_eq!(codes(shadowing, flat), ["shadowed-filter"]);
}

#[test]
fn a_quoted_path_without_nesting_reads_nothing() {
    let toml = r#"
[[filter]]
urgency = "high"
[filter.trigger]
conditions = [{ key = 'labels."app.kubernetes.io/name"', contains = ["x"] }]
title_from = '"a.b"'
"#;
    assert_eq!(codes(toml, SemanticsLayer::default()), Vec::<&str>::new());
    let flat = SemanticsLayer {
        nested_keys: Some(false),
        ..SemanticsLayer::default()
    };
    assert_eq!(codes(toml, flat), ["nested-key-without-nesting"]);
}
