use crate::support::Test;
use snapbox::str;

const TWO_CONDITIONS: &str = r#"
    service = "k8s"
    from = "Alertmanager"

    [[filter]]
    name = "production"
    urgency = "P2"
    [filter.trigger]
    conditions = [
      { key = "status", contains = ["firing"] },
      { key = "alerts[0].labels.namespace", contains = ["prod"] },
    ]
    title_from = "commonLabels.alertname"
    map_with = "groupKey"
"#;

const STAGING_FIRING: &str = r#"{"status": "firing", "groupKey": "g1", "commonLabels": {"alertname": "DiskFull"}, "alerts": [{"labels": {"namespace": "staging"}}]}"#;

fn k8s() -> Test {
    Test::in_temp().file("filters/k8s.toml", TWO_CONDITIONS)
}

fn title_of(out: &str) -> &str {
    out.lines()
        .find_map(|l| l.trim().strip_prefix("title"))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no title in {out}"))
}

#[test]
fn both_conditions_must_hold_unless_conditions_any() {
    k8s().args(&["check", "-"]).stdin(STAGING_FIRING).expect(
        1,
        str![[r#"
<stdin>
  k8s: 202 discarded: no filter matched
    near miss #1 "production": `alerts[0].labels.namespace` is "staging", which lacks "prod"
    fragile: with conditions = "any" this would be 201 via filter #1 "production"; the result depends on a reading Callgoose does not document

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
    let out = k8s()
        .args(&["check", "-", "--conditions", "any"])
        .stdin(STAGING_FIRING)
        .expect(
            0,
            str![[r#"
<stdin>
  k8s: 201 creates an incident
    filter       #1 "production"
    urgency      high
    priority     P2
    title        Alertmanager - DiskFull
    description  {"status": "firing", "groupKey": "g1", "commonLabels": {"alertname": "DiskFull"}, "alerts": [{"label … (31 more characters; --full shows all)
    map key      g1
    resolve      no resolve part matched
    fragile: with conditions = "all" this would be 202 discarded; the result depends on a reading Callgoose does not document
    fragile: with nested_keys = false this would be 201 via filter #1 "production" with title "Incident from Alertmanager"; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
    assert_eq!(title_of(&out.stdout), "Alertmanager - DiskFull");
}

#[test]
fn the_semantics_table_is_overridden_by_the_command_line() {
    let t = Test::in_temp().file(
        "filters/k8s.toml",
        &format!("{TWO_CONDITIONS}\n    [semantics]\n    conditions = \"any\"\n    case_sensitive = true\n"),
    );
    let body = STAGING_FIRING.replace("firing", "FIRING");
    // any: one condition is enough, but case-sensitive: FIRING is not firing, prod not in staging.
    t.args(&["check", "-"]).stdin(&body).expect(
        1,
        str![[r#"
<stdin>
  k8s: 202 discarded: no filter matched
    near miss #1 "production": `status` is "FIRING", which lacks "firing"
      hint: "firing" would match but for case: matching is case-sensitive here; write the item as the payload does
    fragile: with case-insensitive matching this would be 201 via filter #1 "production"; the result depends on a reading Callgoose does not document

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
        str![""],
    );
    let t = Test::in_temp().file(
        "filters/k8s.toml",
        &format!("{TWO_CONDITIONS}\n    [semantics]\n    conditions = \"any\"\n    case_sensitive = true\n"),
    );
    let out = t
        .args(&["check", "-", "--case-insensitive"])
        .stdin(&body)
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn case_sensitive_flag_turns_a_match_into_a_discard() {
    let body = r#"{"status": "FIRING", "alert_id": "1"}"#;
    Test::new()
        .args(&["check", "--service", "tigera", "--format", "json"])
        .stdin(body)
        .expect(
            0,
            str![[r#"
{"input":"<stdin>","index":1,"service":"tigera","code":201,"trigger":{"filter":"security alert","position":1,"urgency":"high","priority":null,"title":"Incident from Tigera","description":"{\"status\": \"FIRING\", \"alert_id\": \"1\"}","map_key":"1"},"resolve":null,"warnings":[{"kind":"title_fallback","message":"title key `alert_name` not found: the title falls back to \"Incident from Tigera\""},{"kind":"description_fallback","message":"description key `description` not found: the whole payload becomes the description"}]}

"#]],
            str![""],
        );
    Test::new()
        .args(&["check", "--service", "tigera", "--case-sensitive", "--format", "json"])
        .stdin(body)
        .expect(
            1,
            str![[r#"
{"input":"<stdin>","index":1,"service":"tigera","code":202,"trigger":null,"resolve":null,"warnings":[]}

"#]],
            str![""],
        );
}

#[test]
fn from_sets_or_clears_the_title_prefix() {
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "samples/tigera/firing.json", "--service", "tigera"];
        args.extend_from_slice(extra);
        let out = Test::new().args(&args).output();
        assert_eq!(out.code, 0, "{}", out.stderr);
        title_of(&out.stdout).to_owned()
    };
    assert_eq!(run(&[]), "Tigera - Suspicious Lateral Movement");
    assert_eq!(
        run(&["--from", "Calico"]),
        "Calico - Suspicious Lateral Movement"
    );
    assert_eq!(run(&["--no-from"]), "Suspicious Lateral Movement");
}

#[test]
fn fallback_title_without_any_from_is_unknown_source() {
    let out = Test::new()
        .args(&["check", "--service", "tigera", "--no-from"])
        .stdin(r#"{"status": "firing"}"#)
        .output();
    assert_eq!(title_of(&out.stdout), "Incident from unknown source");
}

#[test]
fn full_shows_the_whole_description() {
    Test::new()
        .args(&["check", "samples/tigera/firing.json", "--service", "sedai", "--full"])
        .expect(
            0,
            str![[r#"
samples/tigera/firing.json
  sedai: 201 creates an incident
    filter       #2 "firing"
    urgency      high
    title        Incident from Sedai
    description  {
                   "status": "firing",
                   "alert_name": "Suspicious Lateral Movement",
                   "alert_id": "tigera-sec-001",
                   "severity": "high",
                   "description": "Unmatched flow detected from pod 'frontend' to 'db-internal'",
                   "timestamp": "2026-04-17T12:00:00Z",
                   "labels": {
                     "namespace": "production",
                     "cluster": "aws-us-east-1"
                   }
                 }
    map key      none: the incident can never be resolved through the API
    resolve      no resolve part matched
    warning: title key `title` not found: the title falls back to "Incident from Sedai"
    warning: description key `message` not found: the whole payload becomes the description
    warning: mapping key `eventId` not found: this incident can never be resolved through the API, and every repeat creates a new one
    fragile: with case-sensitive matching this would be 202 discarded; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn an_unknown_service_suggests_the_closest() {
    Test::new()
        .args(&[
            "check",
            "samples/tigera/firing.json",
            "--service",
            "tigerra",
        ])
        .expect(
            2,
            str![""],
            str![[r#"
error: --service tigerra: no service "tigerra" in filters: did you mean "tigera"?

"#]],
        );
}

#[test]
fn filters_path_from_the_environment() {
    // Where no filters/ folder is found: here the run's folder, a repository root, has none.
    let t = k8s();
    let other = t.dir().join("filters").display().to_string();
    Test::in_temp()
        .env("SQIBS_FILTERS", &other)
        .args(&["check", "-", "--conditions", "any", "--format", "json"])
        .stdin(r#"{"status": "firing", "groupKey": "g"}"#)
        .expect(
            0,
            str![[r#"
{"input":"<stdin>","index":1,"service":"k8s","code":201,"trigger":{"filter":"production","position":1,"urgency":"high","priority":"P2","title":"Incident from Alertmanager","description":"{\"status\": \"firing\", \"groupKey\": \"g\"}","map_key":"g"},"resolve":null,"warnings":[{"kind":"title_fallback","message":"title key `commonLabels.alertname` not found: the title falls back to \"Incident from Alertmanager\""}]}

"#]],
            str![""],
        );
}

const ALERTMANAGER: &str = r#"
    service = "am"
    from = "Alertmanager"

    [[filter]]
    name = "firing"
    urgency = "high"
    [filter.trigger]
    conditions = [{ key = "commonLabels.severity", contains = ["critical"] }]
    title_from = "commonLabels.alertname"
    map_with = "groupKey"
"#;

const NESTED_BODY: &str =
    r#"{"groupKey": "g1", "commonLabels": {"severity": "critical", "alertname": "DiskFull"}}"#;
const FLAT_BODY: &str = r#"{"groupKey": "g1", "commonLabels.severity": "critical", "commonLabels.alertname": "DiskFull"}"#;

#[test]
fn nested_keys_by_default_and_a_match_that_needs_them_is_fragile() {
    Test::in_temp()
        .file("filters/am.toml", ALERTMANAGER)
        .args(&["check", "-"])
        .stdin(NESTED_BODY)
        .expect(
            0,
            str![[r#"
<stdin>
  am: 201 creates an incident
    filter       #1 "firing"
    urgency      high
    title        Alertmanager - DiskFull
    description  {"groupKey": "g1", "commonLabels": {"severity": "critical", "alertname": "DiskFull"}}
    map key      g1
    resolve      no resolve part matched
    fragile: with nested_keys = false this would be 202 discarded; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn no_nested_keys_reads_only_top_level_keys_of_that_exact_name() {
    let t = Test::in_temp().file("filters/am.toml", ALERTMANAGER);
    let dir = t.dir().to_owned();
    t.args(&["check", "-", "--no-nested-keys"])
        .stdin(NESTED_BODY)
        .expect(
            1,
            str![[r#"
<stdin>
  am: 202 discarded: no filter matched
    near miss #1 "firing": `commonLabels.severity` is not in the payload
      hint: `commonLabels.severity` is found only as the nested path `"commonLabels"."severity"`, and keys do not nest here (nested_keys = false): only a top-level key of that exact name is read; have the sender flatten the body, or switch nested keys on
    fragile: with nested_keys = true this would be 201 via filter #1 "firing"; the result depends on a reading Callgoose does not document

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );
    // A flattened body, as Callgoose's guides advise, holds under both readings: nothing is fragile.
    Test::at(&dir)
        .args(&["check", "-", "--no-nested-keys"])
        .stdin(FLAT_BODY)
        .expect(
            0,
            str![[r#"
<stdin>
  am: 201 creates an incident
    filter       #1 "firing"
    urgency      high
    title        Alertmanager - DiskFull
    description  {"groupKey": "g1", "commonLabels.severity": "critical", "commonLabels.alertname": "DiskFull"}
    map key      g1
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
    // The same from the filter file, and --explain's JSON names the other reading's outcome.
    let t = Test::in_temp().file(
        "filters/am.toml",
        &format!("{ALERTMANAGER}\n    [semantics]\n    nested_keys = false\n"),
    );
    let out = t
        .args(&["check", "-", "--explain", "--format", "json"])
        .stdin(NESTED_BODY)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        line["fragile"],
        serde_json::json!([{"reading": "nested_keys = true", "outcome": "201 via filter #1 \"firing\""}])
    );
    assert_eq!(
        line["trace"][0]["trigger"]["conditions"][0]["found"],
        serde_json::Value::Null
    );
}

#[test]
fn null_values_text_or_missing() {
    let body = r#"{"status": "firing", "alert_name": "A", "description": "d", "alert_id": null}"#;
    let json = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "-",
            "--service",
            "tigera",
            "--explain",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = Test::new().args(&args).stdin(body).output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""));
        serde_json::from_str::<serde_json::Value>(out.stdout.trim()).unwrap()
    };
    let text = json(&[]);
    assert_eq!(text["trigger"]["map_key"], "null");
    assert_eq!(text["warnings"][0]["kind"], "null_map_key");
    assert_eq!(
        text["fragile"],
        serde_json::json!([{"reading": "null_values = \"missing\"", "outcome": "201 via filter #1 \"security alert\" with no mapping value"}])
    );
    let missing = json(&["--null-values", "missing"]);
    assert_eq!(missing["trigger"]["map_key"], serde_json::Value::Null);
    assert_eq!(missing["warnings"][0]["kind"], "map_key_missing");
    assert_eq!(
        missing["fragile"],
        serde_json::json!([{"reading": "null_values = \"text\"", "outcome": "201 via filter #1 \"security alert\" with mapping value \"null\""}])
    );
}

#[test]
fn empty_map_value_key_or_none() {
    let body = r#"{"status": "firing", "alert_name": "A", "description": "d", "alert_id": ""}"#;
    Test::new()
        .args(&["check", "-", "--service", "tigera", "--empty-map-value", "none"])
        .stdin(body)
        .expect(
            0,
            str![[r#"
<stdin>
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - A
    description  d
    map key      none: the incident can never be resolved through the API
    resolve      no resolve part matched
    warning: mapping key `alert_id` is empty, which is no mapping value here (empty_map_value = "none"): nothing can be mapped or resolved by it; map on a key that identifies the alert
    fragile: with empty_map_value = "key" this would be 201 via filter #1 "security alert" with mapping value ""; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
    let out = Test::new()
        .args(&["check", "-", "--service", "tigera", "--format", "json"])
        .stdin(body)
        .output();
    assert_eq!(out.code, 0);
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(line["trigger"]["map_key"], "");
    // Plain JSON shows no fragility: it stays as fast as evaluation alone.
    assert_eq!(line.get("fragile"), None);
}

#[test]
fn a_reading_with_an_unknown_value_is_a_located_error() {
    Test::in_temp()
        .file(
            "filters/s.toml",
            &format!("{ALERTMANAGER}\n    [semantics]\n    empty_map_value = \"nothing\"\n"),
        )
        .args(&["check", "-"])
        .stdin(FLAT_BODY)
        .expect(
            2,
            str![""],
            str![[r#"
error: unknown variant `nothing`, expected `key` or `none`
  --> filters/s.toml:13:19
   |
13 | empty_map_value = "nothing"
   |                   ^^^^^^^^^
   = help: see the filter-file format in the README

"#]],
        );
}
