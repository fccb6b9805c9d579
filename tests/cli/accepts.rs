//! Filters Callgoose accepts and the tool once refused or misread: its documented example (no title
//! key), a trigger without conditions (the only filter that takes a body that is not JSON), priorities
//! beside urgencies, and an empty `from`.

use crate::support::Test;
use crate::test_cmd::expect_timed;
use snapbox::str;

#[test]
fn the_documented_example_passes_with_the_fallback_title_and_the_whole_payload() {
    expect_timed(
        Test::new().args(&["test", "samples/callgoose-example", "--deny-uncovered"]),
        0,
        str![[r#"
pass  samples/callgoose-example/cases.toml:6  example: content holding both items creates an incident with the fallback title  (T)
pass  samples/callgoose-example/cases.toml:23  example: without a from parameter the title names no source  (T)
pass  samples/callgoose-example/cases.toml:32  example: a title containing complete resolves the incident mapped to its id  (T)
pass  samples/callgoose-example/cases.toml:42  example: content holding only one of the ANDed items is discarded  (T)
pass  samples/callgoose-example/cases.toml:51  example: trigger, repeat and resolve make one incident that closes  (T)

5 passed, 0 failed

"#]],
        str![""],
    );
    Test::new()
        .args(&[
            "check",
            "--filters",
            "samples/callgoose-example/filters.toml",
            "samples/callgoose-example/trigger.json",
        ])
        .expect(
            0,
            str![[r#"
samples/callgoose-example/trigger.json
  callgoose-example: 201 creates an incident
    filter       #1 "content"
    urgency      high
    title        Incident from unknown source
    description  {"id": "1001", "title": "Backup started", "content": "This is content"}
    map key      1001
    resolve      no resolve part matched
    fragile: with case-sensitive matching this would be 202 discarded; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn the_documented_example_is_lint_clean_but_for_its_redundant_item() {
    Test::new()
        .args(&[
            "lint",
            "samples/callgoose-example/filters.toml",
            "--samples",
            "samples/callgoose-example",
        ])
        .expect(
            0,
            str![[r#"
warning[redundant-item]: "this" is part of "this is content" (items 1 and 2)
  --> samples/callgoose-example/filters.toml:18:65
   |
18 | conditions = [{ key = "content", contains = ["this is content", "this"] }]
   |                                                                 ^^^^^^
   = note: in filter #1 "content"
   = help: items are ANDed: a value containing the longer item contains the shorter; keep the longer

0 errors, 1 warning in 1 filter file

"#]],
            str![""],
        );
}

const CATCH_ALL: [&str; 2] = ["--filters", "samples/catch-all/filters.toml"];
const TEXT: &str = "samples/catch-all/disk-full.txt";

#[test]
fn a_text_body_through_a_catch_all_creates_an_incident_in_check() {
    Test::new().args(&["check"]).args(&CATCH_ALL).args(&[TEXT]).expect(
        0,
        str![[r#"
samples/catch-all/disk-full.txt
  catch-all: 201 creates an incident
    filter       #1 "anything"
    urgency      low
    priority     P4
    title        Incident from backup-script
    description  backup of /srv failed: disk full on backup-1
    map key      none: the incident can never be resolved through the API
    resolve      no resolve part matched
    warning: the body is not JSON (line 1, column 1: expected value): it is taken as text, and no key can be read from it
    warning: mapping key `job` not found: this incident can never be resolved through the API, and every repeat creates a new one

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
        str![""],
    );
    let out = Test::new()
        .args(&["check", "--format", "json", "--explain"])
        .args(&CATCH_ALL)
        .args(&[TEXT])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (
            &line["code"],
            &line["trigger"]["title"],
            &line["trigger"]["description"]
        ),
        (
            &201.into(),
            &"Incident from backup-script".into(),
            &"backup of /srv failed: disk full on backup-1\n".into()
        )
    );
    assert_eq!(line["trace"][0]["trigger"]["verdict"], "used");
    assert_eq!(
        line["trace"][0]["trigger"]["conditions"],
        serde_json::json!([])
    );
}

#[test]
fn a_text_body_through_a_catch_all_creates_an_incident_in_test() {
    expect_timed(
        Test::new().args(&["test", "samples/catch-all", "--deny-uncovered"]),
        0,
        str![[r#"
pass  samples/catch-all/cases.toml:5  catch-all: a text body creates an incident titled from its sender, the text as description  (T)
pass  samples/catch-all/cases.toml:21  catch-all: a JSON body of any shape creates one too  (T)
pass  samples/catch-all/cases.toml:32  catch-all: every text repeat is a new incident, JSON repeats fold on their job  (T)

3 passed, 0 failed

"#]],
        str![""],
    );
}

#[test]
fn a_text_body_through_a_catch_all_creates_an_incident_in_replay() {
    Test::new()
        .args(&["replay"])
        .args(&CATCH_ALL)
        .args(&[TEXT, TEXT, "samples/catch-all/nightly.json"])
        .expect(
            0,
            str![[r#"
   #1  samples/catch-all/disk-full.txt  201 catch-all: created incident #1 "Incident from backup-script" [no mapping key] P4
   #2  samples/catch-all/disk-full.txt  201 catch-all: created incident #2 "Incident from backup-script" [no mapping key] P4
   #3  samples/catch-all/nightly.json  201 catch-all: created incident #3 "Incident from backup-script" [nightly] P4

replayed 3 requests
  incidents created               3
  duplicates folded               0
  resolved                        0
  left open                       3
  discarded (202)                 0
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  2
  unauthorized (401)              0
left open:
  #1 catch-all: "Incident from backup-script" [no mapping key], created by request #1
  #2 catch-all: "Incident from backup-script" [no mapping key], created by request #2
  #3 catch-all: "Incident from backup-script" [nightly], created by request #3

"#]],
            str![""],
        );
    // A captured text/plain request: its own `from` names the source.
    let out = Test::new()
        .args(&["replay", "--format", "json"])
        .args(&CATCH_ALL)
        .stdin(r#"{"from": "cron", "content_type": "text/plain", "body": "disk full"}"#)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let first: serde_json::Value =
        serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        first["actions"][0]["trigger"],
        serde_json::json!({"action": "created", "incident": 1, "title": "Incident from cron", "map_key": null, "priority": "P4"})
    );
}

#[test]
fn lint_warns_that_a_catch_all_takes_every_request_and_shadows_what_follows() {
    Test::in_temp()
        .file(
            "filters/any.toml",
            r#"
            [[filter]]
            name = "everything"
            urgency = "low"
            [filter.trigger]
            conditions = []

            [[filter]]
            name = "firing"
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["firing"] }]
            map_with = "id"
            "#,
        )
        .args(&["lint"])
        .expect(
            1,
            str![[r#"
warning[catch-all]: this trigger has no conditions: every request the service receives creates an incident, bodies that are not JSON included
 --> filters/any.toml:5:14
  |
5 | conditions = []
  |              ^^
  = note: in filter #1 "everything"
  = help: keep a catch-all only as the last filter, for what no other filter takes (it is the only way to take a body that is not JSON); otherwise add a condition such as { key = "status", contains = ["firing"] }

error[shadowed-filter]: this filter can never fire: filter #1 "everything" comes first and holds whenever it does
  --> filters/any.toml:11:14
   |
11 | conditions = [{ key = "status", contains = ["firing"] }]
   |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
   = note: in filter #2 "firing"
   = help: the first filter that holds wins: move the narrower filter above the broader one

1 error, 1 warning in 1 filter file

"#]],
            str![""],
        );
}

#[test]
fn a_catch_all_last_is_not_shadowed_under_either_reading() {
    for conditions in ["all", "any"] {
        let out = Test::in_temp()
            .file(
                "filters/last.toml",
                r#"
                [[filter]]
                name = "firing"
                urgency = "high"
                [filter.trigger]
                conditions = [{ key = "status", contains = ["firing"] }]
                map_with = "id"

                [[filter]]
                name = "the rest"
                urgency = "low"
                [filter.trigger]
                "#,
            )
            .args(&["lint", "--format", "json", "--conditions", conditions])
            .output();
        let codes: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|f| f["code"].as_str().map(str::to_owned))
            .collect();
        assert_eq!(
            (out.code, codes),
            (0, vec!["catch-all".to_owned()]),
            "{conditions}"
        );
    }
}

#[test]
fn a_catch_all_fires_on_text_samples_too() {
    let codes = |samples: &[&str]| {
        let out = Test::new()
            .args(&["lint", "samples/catch-all/filters.toml", "--format", "json"])
            .args(samples)
            .output();
        let codes: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|f| f["code"].as_str().map(str::to_owned))
            .collect();
        (out.code, codes)
    };
    let shipped = ["--samples", "samples/catch-all", "--samples", TEXT];
    assert_eq!(codes(&shipped), (0, vec!["catch-all".to_owned()]));
    // Text alone: no key is read, yet the trigger fires.
    assert_eq!(
        codes(&["--samples", TEXT]),
        (
            0,
            vec!["catch-all".to_owned(), "key-in-no-sample".to_owned()]
        )
    );
}

#[test]
fn an_empty_map_with_is_no_map_with_for_lint() {
    Test::in_temp()
        .file(
            "filters/f.toml",
            r#"
            [[filter]]
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["firing"] }]
            title_from = ""
            description_from = ""
            map_with = ""
            [filter.resolve]
            conditions = [{ key = "status", contains = ["resolved"] }]
            mapped_with = "id"
            "#,
        )
        .args(&["lint"])
        .expect(
            1,
            str![[r#"
error[resolve-without-map-with]: the resolve part is on, but the trigger has no map_with: nothing it creates can ever be resolved
  --> filters/f.toml:10:15
   |
10 | mapped_with = "id"
   |               ^^^^
   = note: in filter #1 "filter 1"
   = help: add map_with = "id" to [filter.trigger]

1 error, 0 warnings in 1 filter file

"#]],
            str![""],
        );
}

const PRIORITY: &str = r#"
    [[filter]]
    name = "disk"
    priority = "P2"
    [filter.trigger]
    conditions = [{ key = "status", contains = ["firing"] }]
    map_with = "id"
"#;

#[test]
fn a_priority_sets_the_urgency_and_is_shown() {
    let t = || {
        Test::in_temp()
            .file("filters/p.toml", PRIORITY)
            .stdin(r#"{"status": "firing", "id": "a"}"#)
    };
    t().args(&["check", "-"]).expect(
        0,
        str![[r#"
<stdin>
  p: 201 creates an incident
    filter       #1 "disk"
    urgency      high
    priority     P2
    title        Incident from unknown source
    description  {"status": "firing", "id": "a"}
    map key      a
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
        str![""],
    );
    t().args(&["check", "-", "--format", "json"]).expect(
        0,
        str![[r#"
{"input":"<stdin>","index":1,"service":"p","code":201,"trigger":{"filter":"disk","position":1,"urgency":"high","priority":"P2","title":"Incident from unknown source","description":"{\"status\": \"firing\", \"id\": \"a\"}","map_key":"a"},"resolve":null,"warnings":[]}

"#]],
        str![""],
    );
}

#[test]
fn a_priority_that_disagrees_with_the_urgency_is_a_load_error() {
    Test::in_temp()
        .file(
            "filters/p.toml",
            &PRIORITY.replace("priority = \"P2\"", "urgency = \"low\"\npriority = \"P2\""),
        )
        .args(&["check", "-"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: `priority = "P2"` pages with high urgency, but `urgency = "low"`
 --> filters/p.toml:4:12
  |
4 | priority = "P2"
  |            ^^^^
  = note: in filter #1 "disk"
  = help: give the priority alone (it sets the urgency), or an urgency that agrees with it

"#]],
        );
}

#[test]
fn test_expects_the_priority_and_bless_writes_it() {
    let t = Test::in_temp().file("f.toml", PRIORITY).file(
        "cases.toml",
        r#"
        filters = "f.toml"

        [[case]]
        name = "firing"
        body = '{"status": "firing", "id": "a"}'
        "#,
    );
    let dir = t.dir().to_owned();
    t.args(&["test", "cases.toml", "--bless"]).output();
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    assert!(
        blessed.contains("urgency = \"high\"\npriority = \"P2\"\n"),
        "{blessed}"
    );
    expect_timed(
        Test::at(&dir).args(&["test", "cases.toml"]),
        0,
        str![[r#"
pass  cases.toml:3  firing  (T)

1 passed, 0 failed

"#]],
        str![""],
    );
    std::fs::write(
        dir.join("cases.toml"),
        blessed.replace("priority = \"P2\"", "priority = \"P3\""),
    )
    .unwrap();
    let out = Test::at(&dir).args(&["test", "cases.toml"]).output();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("-priority = \"P3\"\n+priority = \"P2\"\n"),
        "{}",
        out.stdout
    );
}

/// The title `check` gives a Tigera firing alert with `args` and `stdin`.
fn tigera_title(args: &[&str], stdin: &str) -> String {
    let out = Test::new()
        .args(&["check", "--service", "tigera", "--format", "json"])
        .args(args)
        .stdin(stdin)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
    let line: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    line["trigger"]["title"].as_str().unwrap().to_owned()
}

const FIRING: &str = r#"{"status": "firing", "alert_name": "Port Scan", "alert_id": "1"}"#;

#[test]
fn an_empty_from_is_no_from_wherever_it_is_given() {
    let envelope = |fields: &str| format!(r#"{{{fields}, "body": {FIRING}}}"#);
    assert_eq!(tigera_title(&["-"], FIRING), "Tigera - Port Scan");
    for (args, stdin) in [
        (&["-", "--from", ""][..], FIRING.to_owned()),
        (&["-"][..], envelope(r#""from": """#)),
        (
            &["-"][..],
            envelope(r#""url": "https://x/v1/process?from=&token=t""#),
        ),
    ] {
        assert_eq!(tigera_title(args, &stdin), "Port Scan", "{args:?} {stdin}");
    }
    // In the filter file.
    let out = Test::in_temp()
        .file(
            "filters/tigera.toml",
            &std::fs::read_to_string("filters/tigera.toml")
                .unwrap()
                .replace("from = \"Tigera\"", "from = \"\""),
        )
        .args(&["check", "-", "--format", "json"])
        .stdin(FIRING)
        .output();
    assert!(
        out.stdout.contains(r#""title":"Port Scan""#),
        "{}",
        out.stdout
    );
    // In replay, a captured empty from= is not replaced by the filter file's.
    let out = Test::new()
        .args(&["replay", "--service", "tigera", "-"])
        .stdin(envelope(r#""from": """#))
        .output();
    assert!(
        out.stdout
            .contains(r#"created incident #1 "Port Scan" [1]"#),
        "{}",
        out.stdout
    );
}
