use crate::support::Test;
use snapbox::str;

/// `check` of `payload` against `filters`, with extra arguments.
fn check(payload: &str, filters: &str, extra: &[&str]) -> Test {
    let mut args = vec!["check", payload, "--filters", filters];
    args.extend_from_slice(extra);
    Test::new().args(&args)
}

#[test]
fn a_nested_key_is_found_at_its_full_path() {
    check(
        "samples/troubleshooting/alertmanager.json",
        "samples/troubleshooting/nested-key.toml",
        &[],
    )
    .expect(
        1,
        str![[r#"
samples/troubleshooting/alertmanager.json
  alertmanager-nested-key: 202 discarded: no filter matched
    near miss #1 "critical": `severity` is not in the payload
      hint: the payload has no key `severity`; did you mean one of `commonLabels.severity`, `alerts.0.labels.severity`?

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn a_key_in_the_wrong_case_is_named() {
    check(
        "samples/sedai/open.json",
        "samples/troubleshooting/key-case.toml",
        &[],
    )
    .expect(
        1,
        str![[r#"
samples/sedai/open.json
  sedai-key-case: 202 discarded: no filter matched
    near miss #1 "open": `Status` is not in the payload
      hint: the payload has no key `Status`; did you mean `status`?

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn alternatives_anded_in_one_list_are_named_with_the_fix() {
    check(
        "samples/sedai/open.json",
        "samples/troubleshooting/anded-alternatives.toml",
        &[],
    )
    .expect(
        1,
        str![[r#"
samples/sedai/open.json
  sedai-anded: 202 discarded: no filter matched
    near miss #1 "open or firing or critical": `status` is "OPEN", which lacks "FIRING", "CRITICAL"
      hint: items of one list are ANDed, and "OPEN", "FIRING", "CRITICAL" look like alternatives: give each its own filter
    near miss #1 "open or firing or critical" resolve: `status` is "OPEN", which lacks "RESOLVED"

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn a_value_in_another_case_under_case_sensitive_matching_is_fragile() {
    check(
        "samples/troubleshooting/tigera-firing-uppercase.json",
        "filters/tigera.toml",
        &["--case-sensitive"],
    )
    .expect(
        1,
        str![[r#"
samples/troubleshooting/tigera-firing-uppercase.json
  tigera: 202 discarded: no filter matched
    near miss #1 "security alert": `status` is "FIRING", which lacks "firing"
      hint: "firing" would match but for case: matching is case-sensitive here; write the item as the payload does
    near miss #1 "security alert" resolve: `status` is "FIRING", which lacks "resolved"
    fragile: with case-insensitive matching this would be 201 via filter #1 "security alert"; the result depends on a reading Callgoose does not document

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn a_missing_mapping_key_says_the_incident_can_never_resolve() {
    let out = check(
        "samples/tigera/firing.json",
        "samples/troubleshooting/no-map-key.toml",
        &[],
    )
    .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains(
            "    map key      none: the incident can never be resolved through the API\n"
        )
    );
    assert!(out.stdout.contains(
        "    warning: filter \"security alert\" has no map_with: this incident can never be resolved through the API, and every repeat creates a new one\n"
    ), "{}", out.stdout);
}

#[test]
fn a_resolve_on_a_missing_key_is_explained() {
    check(
        "samples/tigera/resolved.json",
        "samples/troubleshooting/wrong-resolve-key.toml",
        &["--explain"],
    )
    .expect(
        1,
        str![[r#"
samples/tigera/resolved.json
  tigera-wrong-resolve-key: 202 discarded: no filter matched
    why
      #1 "security alert"
        trigger does not hold
          ✗ status = "resolved"
              ✗ "firing" not contained
        resolve does not hold
          ✗ state: not in the payload
            hint: the payload has no key `state`; did you mean `status`?

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
}

#[test]
fn explain_shows_the_winner_and_the_shadowed_filters() {
    let t = Test::in_temp().file(
        "filters/s.toml",
        r#"
        [[filter]]
        name = "broad"
        urgency = "low"
        [filter.trigger]
        conditions = [{ key = "labels.team", contains = ["db"] }]
        title_from = "name"
        map_with = "id"

        [[filter]]
        name = "narrow"
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "labels.team", contains = ["db", "oncall"] }]
        title_from = "name"
        map_with = "id"
        "#,
    );
    t.args(&["check", "-", "--explain"])
        .stdin(r#"{"name": "n", "id": "1", "labels": {"team": "db-oncall"}}"#)
        .expect(
            0,
            str![[r#"
<stdin>
  s: 201 creates an incident
    filter       #1 "broad"
    urgency      low
    title        n
    description  {"name": "n", "id": "1", "labels": {"team": "db-oncall"}}
    map key      1
    resolve      no resolve part matched
    why
      #1 "broad"
        trigger holds: used
          ✓ labels.team = "db-oncall"
              ✓ "db" contained
      #2 "narrow"
        trigger holds, but shadowed by an earlier filter
          ✓ labels.team = "db-oncall"
              ✓ "db" contained
              ✓ "oncall" contained
    fragile: with nested_keys = false this would be 202 discarded; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn explain_in_json_adds_a_trace_per_filter() {
    let out = check(
        "samples/troubleshooting/alertmanager.json",
        "samples/troubleshooting/nested-key.toml",
        &["--explain", "--format", "json"],
    )
    .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        line["trace"],
        serde_json::json!([{
            "filter": "critical",
            "position": 1,
            "trigger": {
                "verdict": "missed",
                "conditions": [{
                    "key": "severity",
                    "found": null,
                    "holds": false,
                    "items": [{"item": "critical", "contained": false, "at": null}],
                    "hints": ["the payload has no key `severity`; did you mean one of `commonLabels.severity`, `alerts.0.labels.severity`?"]
                }]
            },
            "resolve": null
        }])
    );
    assert_eq!(line["fragile"], serde_json::json!([]));

    let out = Test::new()
        .args(&[
            "check",
            "samples/tigera/firing.json",
            "--service",
            "tigera",
            "--format",
            "json",
            "--explain",
        ])
        .output();
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let c = &line["trace"][0]["trigger"]["conditions"][0];
    assert_eq!(
        c["found"],
        serde_json::json!({"path": ["status"], "value": "firing", "kind": "string"})
    );
    assert_eq!(c["items"][0]["at"], serde_json::json!([0, 6]));
    assert_eq!(line["trace"][0]["trigger"]["verdict"], "used");
}

/// A service reading a dotted label, with a resolve part whose items hold a quote and a backslash.
const LABELS: &str = r#"
    [[filter]]
    name = "app"
    urgency = "high"
    [filter.trigger]
    conditions = [{ key = 'labels."app.kubernetes.io/name"', contains = ["checkout"] }]
    title_from = 'labels["app.kubernetes.io/name"]'
    map_with = "labels.namespace"
    [filter.resolve]
    conditions = [{ key = "status", contains = ['say "hi"', 'back\slash'] }]
    mapped_with = "id"
    "#;

#[test]
fn null_is_shown_as_null_and_quoted_items_unambiguously() {
    let t = Test::in_temp().file("filters/k.toml", LABELS);
    let dir = t.dir().to_owned();
    t.args(&["check", "-", "--explain"])
        .stdin(r#"{"labels": {"app.kubernetes.io/name": "shop"}, "status": null}"#)
        .expect(
            1,
            str![[r#"
<stdin>
  k: 202 discarded: no filter matched
    why
      #1 "app"
        trigger does not hold
          ✗ labels."app.kubernetes.io/name" = "shop"
              ✗ "checkout" not contained
        resolve does not hold
          ✗ status = null
              ✗ "say \"hi\"" not contained
              ✗ "back\\slash" not contained
            hint: the value is JSON null: it is compared as the text `null`, so only a part of that text can be contained

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );
    Test::at(&dir)
        .args(&["check", "-"])
        .stdin(r#"{"labels": {"app.kubernetes.io/name": "shop"}, "status": "null \"hi\" \\"}"#)
        .expect(
            1,
            str![[r#"
<stdin>
  k: 202 discarded: no filter matched
    near miss #1 "app": `labels."app.kubernetes.io/name"` is "shop", which lacks "checkout"
    near miss #1 "app" resolve: `status` is "null \"hi\" \\", which lacks "say \"hi\"", "back\\slash"

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );

    let out = Test::at(&dir)
        .args(&["check", "-", "--explain", "--format", "json"])
        .stdin(r#"{"labels": {"app.kubernetes.io/name": "shop"}, "status": null}"#)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        line["trace"][0]["resolve"]["conditions"][0]["found"],
        serde_json::json!({"path": ["status"], "value": null, "kind": "null"})
    );
}

#[test]
fn quoted_keys_read_dotted_names_and_explain_says_which_of_two_keys_it_used() {
    let t = Test::in_temp().file("filters/k.toml", LABELS);
    let dir = t.dir().to_owned();
    let body = r#"{"labels.namespace": "prod", "labels": {"namespace": "staging", "app.kubernetes.io/name": "checkout"}, "id": "1"}"#;
    t.args(&["check", "-", "--explain"]).stdin(body).expect(
        0,
        str![[r#"
<stdin>
  k: 201 creates an incident
    filter       #1 "app"
    urgency      high
    title        checkout
    description  {"labels.namespace": "prod", "labels": {"namespace": "staging", "app.kubernetes.io/name": "checkout" … (13 more characters; --full shows all)
    map key      prod
    resolve      no resolve part matched
    why
      #1 "app"
        trigger holds: used
          ✓ labels."app.kubernetes.io/name" = "checkout"
              ✓ "checkout" contained
          map_with labels.namespace (at "labels.namespace") = "prod"
            note: `labels.namespace` fits two keys here; it reads `"labels.namespace"` (a key with dots in its name is tried before a path through its parts), not `"labels"."namespace"` = "staging"; write the one you mean as shown to choose
        resolve does not hold
          ✗ status: not in the payload
            hint: the payload has no key `status`
    fragile: with nested_keys = false this would be 202 discarded; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
        str![""],
    );

    let out = Test::at(&dir)
        .args(&["check", "-", "--explain", "--format", "json"])
        .stdin(body)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let keys = &line["trace"][0]["trigger"]["keys"];
    assert_eq!(keys[0]["field"], "map_with");
    assert_eq!(
        keys[0]["found"]["path"],
        serde_json::json!(["labels.namespace"])
    );
    assert_eq!(
        keys[0]["found"]["other"],
        serde_json::json!({"path": ["labels", "namespace"], "value": "staging", "kind": "string"})
    );
    assert!(
        keys[0]["found"]["note"]
            .as_str()
            .unwrap()
            .contains("`\"labels\".\"namespace\"`")
    );
    assert_eq!(line["trace"][0]["resolve"].get("keys"), None);

    // Written as the note says, the nested key is the one read; without --explain (a lazy read) too.
    let nested = std::fs::read_to_string(dir.join("filters/k.toml"))
        .unwrap()
        .replace(
            r#"map_with = "labels.namespace""#,
            r#"map_with = '"labels"."namespace"'"#,
        );
    std::fs::write(dir.join("filters/k.toml"), nested).unwrap();
    let out = Test::at(&dir)
        .args(&["check", "-", "--format", "json"])
        .stdin(body)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(line["trigger"]["map_key"], "staging");
    assert_eq!(line["trigger"]["title"], "checkout");
}

#[test]
fn a_key_missing_is_suggested_with_the_quotes_that_read_it() {
    Test::in_temp()
        .file("filters/k.toml", LABELS)
        .args(&["check", "-"])
        .stdin(r#"{"labels": {"app.kubernetes.io/nam": "checkout"}, "status": "x"}"#)
        .expect(
            1,
            str![[r#"
<stdin>
  k: 202 discarded: no filter matched
    near miss #1 "app": `labels."app.kubernetes.io/name"` is not in the payload
      hint: the payload has no key `labels."app.kubernetes.io/name"`; did you mean `labels."app.kubernetes.io/nam"`?
    near miss #1 "app" resolve: `status` is "x", which lacks "say \"hi\"", "back\\slash"

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );
}
