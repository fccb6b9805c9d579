use crate::support::Test;
use snapbox::str;

/// Runs `check` on an empty object with `filters/bad.toml` as the only filter file.
fn with_filters(toml: &str) -> Test {
    Test::in_temp()
        .file("filters/bad.toml", toml)
        .args(&["check", "-"])
        .stdin("{}")
}

#[test]
fn unknown_fields_are_all_reported_in_file_order_with_suggestions() {
    with_filters(
        r#"
        service = "bad"

        [[filter]]
        name = "one"
        urgncy = "high"
        [filter.trigger]
        conditions = [{ key = "status", contains = ["firing"], case = true }]
        titel_from = "x"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: unknown field `urgncy` in [[filter]]
 --> filters/bad.toml:5:1
  |
5 | urgncy = "high"
  | ^^^^^^
  = note: in filter #1 "one"
  = help: did you mean `urgency`?

error: unknown field `case` in a condition
 --> filters/bad.toml:7:56
  |
7 | conditions = [{ key = "status", contains = ["firing"], case = true }]
  |                                                        ^^^^
  = note: in filter #1 "one"
  = help: allowed here: key, contains

error: unknown field `titel_from` in [filter.trigger]
 --> filters/bad.toml:8:1
  |
8 | titel_from = "x"
  | ^^^^^^^^^^
  = note: in filter #1 "one"
  = help: did you mean `title_from`?

"#]],
    );
}

#[test]
fn every_broken_limit_is_reported_with_what_is_allowed() {
    with_filters(
        r#"
        [[filter]]
        name = "one"
        urgency = "urgent"
        [filter.trigger]
        conditions = [
          { key = "status", contains = ["firing"] },
          { key = "", contains = [] },
          { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] },
        ]
        title_from = "x"
        [filter.resolve]
        conditions = []
        mapped_with = ""
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: unknown urgency `urgent`
 --> filters/bad.toml:3:11
  |
3 | urgency = "urgent"
  |           ^^^^^^^^
  = note: in filter #1 "one"
  = help: use "high" or "low" (any case), or a priority "P1" to "P5"

error: the trigger part has 3 conditions: Callgoose allows at most 2 conditions
 --> filters/bad.toml:5:14
  |
5 | conditions = [
  |              ^
  = note: in filter #1 "one"
  = help: a third condition needs a filter of its own, or a longer contains list

error: `key` is empty
 --> filters/bad.toml:7:11
  |
7 |   { key = "", contains = [] },
  |           ^^
  = note: in filter #1 "one"
  = help: give `key` a value, or remove it where it is optional

error: the contains list has 0 items: Callgoose allows 1 to 10
 --> filters/bad.toml:7:26
  |
7 |   { key = "", contains = [] },
  |                          ^^
  = note: in filter #1 "one"
  = help: items are ANDed: every one must be in the value; alternatives need separate filters

error: this item has 51 characters: Callgoose allows at most 50
 --> filters/bad.toml:8:28
  |
8 |   { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] },
  |                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = note: in filter #1 "one"
  = help: keep a distinctive part of the value; contains matches substrings

error: the resolve part has 0 conditions: Callgoose allows exactly 1 condition
  --> filters/bad.toml:12:14
   |
12 | conditions = []
   |              ^^
   = note: in filter #1 "one"
   = help: add a condition such as { key = "status", contains = ["firing"] }

error: `mapped_with` is empty
  --> filters/bad.toml:13:15
   |
13 | mapped_with = ""
   |               ^^
   = note: in filter #1 "one"
   = help: give `mapped_with` a value, or remove it where it is optional

"#]],
    );
}

#[test]
fn an_unknown_field_does_not_hide_the_other_errors_of_the_file() {
    with_filters(
        r#"
        [[filter]]
        name = "one"
        urgency = "high"
        severity = "page"
        [filter.trigger]
        conditions = [{ key = "status", contains = ["firing"] }]
        title_from = "x"

        [[filter]]
        name = "two"
        urgency = "urgent"
        [filter.trigger]
        conditions = [{ key = "", contains = [] }, { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] }]
        title_from = "x"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: unknown field `severity` in [[filter]]
 --> filters/bad.toml:4:1
  |
4 | severity = "page"
  | ^^^^^^^^
  = note: in filter #1 "one"
  = help: allowed here: name, urgency, priority, trigger, resolve

error: unknown urgency `urgent`
  --> filters/bad.toml:11:11
   |
11 | urgency = "urgent"
   |           ^^^^^^^^
   = note: in filter #2 "two"
   = help: use "high" or "low" (any case), or a priority "P1" to "P5"

error: `key` is empty
  --> filters/bad.toml:13:23
   |
13 | conditions = [{ key = "", contains = [] }, { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] }]
   |                       ^^
   = note: in filter #2 "two"
   = help: give `key` a value, or remove it where it is optional

error: the contains list has 0 items: Callgoose allows 1 to 10
  --> filters/bad.toml:13:38
   |
13 | conditions = [{ key = "", contains = [] }, { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] }]
   |                                      ^^
   = note: in filter #2 "two"
   = help: items are ANDed: every one must be in the value; alternatives need separate filters

error: this item has 51 characters: Callgoose allows at most 50
  --> filters/bad.toml:13:69
   |
13 | conditions = [{ key = "", contains = [] }, { key = "c", contains = ["123456789012345678901234567890123456789012345678901"] }]
   |                                                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = note: in filter #2 "two"
   = help: keep a distinctive part of the value; contains matches substrings

"#]],
    );
}

#[test]
fn every_filter_missing_a_field_gets_its_own_error() {
    let five: String = (1..=5)
        .map(|n| filter(n).replace("urgency = \"low\"\n", ""))
        .collect();
    let out = with_filters(&five).output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    let errors: Vec<String> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error") || l.contains("-->") || l.contains("note:"))
        .map(|l| l.trim().to_owned())
        .collect();
    let expected: Vec<String> = (1..=5)
        .flat_map(|n| {
            [
                "error: missing field `urgency` or `priority`".to_owned(),
                format!("--> filters/bad.toml:{}:1", 4 * n - 3),
                format!("= note: in filter #{n} \"filter {n}\""),
            ]
        })
        .collect();
    assert_eq!(errors, expected, "{}", out.stderr);
}

#[test]
fn wrong_types_and_missing_fields_of_one_filter_are_all_reported() {
    with_filters(
        r#"
        [[filter]]
        name = "one"
        [filter.trigger]
        conditions = [{ key = "s", contains = "firing" }, { contains = ["x"], key = 5 }]
        map_with = true
        [filter.resolve]
        conditions = [{ key = "s" }]

        [semantics]
        case_sensitive = "yes"
        conditions = "some"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: missing field `urgency` or `priority`
 --> filters/bad.toml:1:1
  |
1 | [[filter]]
  | ^^^^^^^^^^
  = note: in filter #1 "one"
  = help: add one of them to this table; see the filter-file format in the README

error: invalid type: string "firing", expected a sequence
 --> filters/bad.toml:4:39
  |
4 | conditions = [{ key = "s", contains = "firing" }, { contains = ["x"], key = 5 }]
  |                                       ^^^^^^^^
  = note: in filter #1 "one"
  = help: see the filter-file format in the README

error: invalid type: integer `5`, expected a string
 --> filters/bad.toml:4:77
  |
4 | conditions = [{ key = "s", contains = "firing" }, { contains = ["x"], key = 5 }]
  |                                                                             ^
  = note: in filter #1 "one"
  = help: see the filter-file format in the README

error: invalid type: boolean `true`, expected a string
 --> filters/bad.toml:5:12
  |
5 | map_with = true
  |            ^^^^
  = note: in filter #1 "one"
  = help: see the filter-file format in the README

error: missing field `mapped_with`
 --> filters/bad.toml:6:1
  |
6 | [filter.resolve]
  | ^^^^^^^^^^^^^^^^
  = note: in filter #1 "one"
  = help: add `mapped_with = ...` to this table; see the filter-file format in the README

error: missing field `contains`
 --> filters/bad.toml:7:15
  |
7 | conditions = [{ key = "s" }]
  |               ^^^^^^^^^^^^^
  = note: in filter #1 "one"
  = help: add `contains = ...` to this table; see the filter-file format in the README

error: invalid type: string "yes", expected a boolean
  --> filters/bad.toml:10:18
   |
10 | case_sensitive = "yes"
   |                  ^^^^^
   = help: see the filter-file format in the README

error: unknown variant `some`, expected `all` or `any`
  --> filters/bad.toml:11:14
   |
11 | conditions = "some"
   |              ^^^^^^
   = help: see the filter-file format in the README

"#]],
    );
}

#[test]
fn a_misplaced_or_misspelt_field_is_not_also_reported_missing() {
    with_filters(
        r#"
        [[filter]]
        [filter.trigger]
        urgency = "high"
        conditions = [{ key = "s", contans = ["x"] }]
        title_from = "t"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: unknown field `urgency` in [filter.trigger]
 --> filters/bad.toml:3:1
  |
3 | urgency = "high"
  | ^^^^^^^
  = note: in filter #1 "filter 1"
  = help: `urgency` belongs to [[filter]]: write it above the first [filter.trigger] header, since every key after a header belongs to that table

error: unknown field `contans` in a condition
 --> filters/bad.toml:4:28
  |
4 | conditions = [{ key = "s", contans = ["x"] }]
  |                            ^^^^^^^
  = note: in filter #1 "filter 1"
  = help: did you mean `contains`?

"#]],
    );
}

fn filter(n: usize) -> String {
    format!(
        "[[filter]]\nurgency = \"low\"\n[filter.trigger]\nconditions = [{{ key = \"k{n}\", contains = [\"v\"] }}]\ntitle_from = \"t\"\n"
    )
}

#[test]
fn more_than_ten_filters_or_items_or_two_resolve_conditions() {
    let eleven: String = (1..=11).map(filter).collect();
    let out = with_filters(&eleven).output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr.starts_with(
            "error: 11 filters in one service: Callgoose allows at most 10\n  --> filters/bad.toml:51:1\n"
        ),
        "{}",
        out.stderr
    );

    let items = format!("[{}]", ["\"a\""; 11].join(", "));
    let out = with_filters(&filter(1).replace("[\"v\"]", &items)).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: the contains list has 11 items: Callgoose allows 1 to 10\n"),
        "{}",
        out.stderr
    );

    let resolve = format!(
        "{}[filter.resolve]\nconditions = [{{ key = \"a\", contains = [\"x\"] }}, {{ key = \"b\", contains = [\"y\"] }}]\nmapped_with = \"id\"\n",
        filter(1)
    );
    let out = with_filters(&resolve).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: the resolve part has 2 conditions: Callgoose allows exactly 1 condition\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn item_length_counts_characters_not_bytes() {
    let fifty_accents = "é".repeat(50);
    with_filters(&filter(1).replace("\"v\"", &format!("\"{fifty_accents}\""))).expect(
        1,
        str![[r#"
<stdin>
  bad: 202 discarded: no filter matched
    near miss #1 "filter 1": `k1` is not in the payload
      hint: the payload has no key `k1`

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn wrong_types_point_at_the_value() {
    with_filters(
        r#"
        [[filter]]
        name = "one"
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "status", contains = "firing" }]
        title_from = "x"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: invalid type: string "firing", expected a sequence
 --> filters/bad.toml:5:44
  |
5 | conditions = [{ key = "status", contains = "firing" }]
  |                                            ^^^^^^^^
  = note: in filter #1 "one"
  = help: see the filter-file format in the README

"#]],
    );
}

#[test]
fn syntax_errors_point_at_the_line() {
    with_filters(
        r#"
        [[filter]]
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "status", contains = ["firing"] }
        title_from = "x"
        "#,
    )
    .expect(
        2,
        str![""],
        str![[r#"
error: missing comma between array elements, expected `,`
 --> filters/bad.toml:5:1
  |
5 | title_from = "x"
  | ^
  = help: see the filter-file format in the README

"#]],
    );
}

#[test]
fn missing_required_fields_and_bad_semantics_values() {
    let out = with_filters(&filter(1).replace("urgency = \"low\"\n", "")).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: missing field `urgency` or `priority`\n --> filters/bad.toml:1:1\n"
        ),
        "{}",
        out.stderr
    );
    with_filters(&format!(
        "{}\n[semantics]\nconditions = \"some\"\n",
        filter(1)
    ))
    .expect(
        2,
        str![""],
        str![[r#"
error: unknown variant `some`, expected `all` or `any`
 --> filters/bad.toml:8:14
  |
8 | conditions = "some"
  |              ^^^^^^
  = help: see the filter-file format in the README

"#]],
    );
}

#[test]
fn a_file_without_filters_is_an_error() {
    with_filters("service = \"empty\"\n").expect(
        2,
        str![""],
        str![[r#"
error: the file has no filters
 --> filters/bad.toml:1:1
  |
1 | service = "empty"
  | ^
  = help: add a [[filter]] table with a [filter.trigger] part

"#]],
    );
}

#[test]
fn a_folder_loads_every_toml_file_as_a_service() {
    Test::in_temp()
        .file("filters/a.toml", &filter(1))
        .file("filters/b.toml", &filter(2))
        .file("filters/readme.md", "not a filter")
        .args(&["check", "-", "--format", "json"])
        .stdin(r#"{"k2": "v"}"#)
        .expect(
            0,
            str![[r#"
{"input":"<stdin>","index":1,"service":"a","code":202,"trigger":null,"resolve":null,"warnings":[]}
{"input":"<stdin>","index":1,"service":"b","code":201,"trigger":{"filter":"filter 1","position":1,"urgency":"low","priority":null,"title":"Incident from unknown source","description":"{\"k2\": \"v\"}","map_key":null},"resolve":null,"warnings":[{"kind":"title_fallback","message":"title key `t` not found: the title falls back to \"Incident from unknown source\""},{"kind":"no_map_with","message":"filter \"filter 1\" has no map_with: this incident can never be resolved through the API, and every repeat creates a new one"}]}

"#]],
            str![""],
        );
}

#[test]
fn two_files_defining_one_service_is_an_error() {
    Test::in_temp()
        .file("filters/a.toml", &format!("service = \"s\"\n{}", filter(1)))
        .file("filters/b.toml", &format!("service = \"s\"\n{}", filter(2)))
        .args(&["check", "-"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: two filter files define the service "s": filters/a.toml and filters/b.toml: give one of them another `service = "..."`

"#]],
        );
}

#[test]
fn a_missing_filter_path_or_an_empty_folder() {
    Test::in_temp()
        .args(&["check", "-", "--filters", "nope"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: cannot read filters from nope: No such file or directory (os error 2): give an existing filter file or folder with --filters

"#]],
        );
    let t = Test::in_temp();
    std::fs::create_dir_all(t.dir().join("filters")).unwrap();
    t.args(&["check", "-"]).stdin("{}").expect(
        2,
        str![""],
        str![[r#"
error: no filter files in filters: a filter folder holds one *.toml file per service

"#]],
    );
}

#[test]
fn the_underline_lines_up_under_tabs_and_wide_characters() {
    Test::in_temp()
        .raw_file(
            "filters/bad.toml",
            "[[filter]]\nname = \"警报\"\n\turgency = \"urgent\"\n[filter.trigger]\nconditions = [{ key = \"状态🚨\", contains = [] }]\ntitle_from = \"t\"\n"
                .as_bytes(),
        )
        .args(&["check", "-"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: unknown urgency `urgent`
 --> filters/bad.toml:3:12
  |
3 |     urgency = "urgent"
  |               ^^^^^^^^
  = note: in filter #1 "警报"
  = help: use "high" or "low" (any case), or a priority "P1" to "P5"

error: the contains list has 0 items: Callgoose allows 1 to 10
 --> filters/bad.toml:5:41
  |
5 | conditions = [{ key = "状态🚨", contains = [] }]
  |                                            ^^
  = note: in filter #1 "警报"
  = help: items are ANDed: every one must be in the value; alternatives need separate filters

"#]],
        );
}

#[test]
fn a_multi_megabyte_line_is_cut_around_the_error() {
    let item = "x".repeat(3_000_000);
    let out = with_filters(&filter(1).replace("\"v\"", &format!("\"{item}\""))).output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    let shown = format!(
        "4 | conditions = [{{ key = \"k1\", contains = [\"{}...",
        "x".repeat(116)
    );
    let under = format!("  | {}{}", " ".repeat(40), "^".repeat(117));
    assert_eq!(
        out.stderr,
        format!(
            "error: this item has 3000000 characters: Callgoose allows at most 50\n --> filters/bad.toml:4:41\n  |\n{shown}\n{under}\n  = note: in filter #1 \"filter 1\"\n  = help: keep a distinctive part of the value; contains matches substrings\n"
        )
    );
}

#[test]
fn the_errors_of_every_file_of_a_folder_are_reported() {
    Test::in_temp()
        .file(
            "filters/a.toml",
            &filter(1).replace("\"low\"", "\"urgent\""),
        )
        .file(
            "filters/b.toml",
            &filter(2).replace("key = \"k2\"", "key = \"\""),
        )
        .args(&["check", "-"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: unknown urgency `urgent`
 --> filters/a.toml:2:11
  |
2 | urgency = "urgent"
  |           ^^^^^^^^
  = note: in filter #1 "filter 1"
  = help: use "high" or "low" (any case), or a priority "P1" to "P5"

error: `key` is empty
 --> filters/b.toml:4:23
  |
4 | conditions = [{ key = "", contains = ["v"] }]
  |                       ^^
  = note: in filter #1 "filter 1"
  = help: give `key` a value, or remove it where it is optional

"#]],
        );
}
