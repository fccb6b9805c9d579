use crate::support::Test;
use snapbox::str;

#[test]
fn shows_the_incident_callgoose_would_create() {
    Test::new()
        .args(&["check", "samples/tigera/firing.json", "--service", "tigera"])
        .expect(
            0,
            str![[r#"
samples/tigera/firing.json
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - Suspicious Lateral Movement
    description  Unmatched flow detected from pod 'frontend' to 'db-internal'
    map key      tigera-sec-001
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn every_loaded_service_evaluates_the_request_like_a_global_token() {
    Test::new()
        .args(&["check", "samples/tigera/firing.json"])
        .expect(
            0,
            str![[r#"
samples/tigera/firing.json
  sedai: 201 creates an incident
    filter       #2 "firing"
    urgency      high
    title        Incident from Sedai
    description  { "status": "firing", "alert_name": "Suspicious Lateral Movement", "alert_id": "tigera-sec-001", "se … (202 more characters; --full shows all)
    map key      none: the incident can never be resolved through the API
    resolve      no resolve part matched
    warning: title key `title` not found: the title falls back to "Incident from Sedai"
    warning: description key `message` not found: the whole payload becomes the description
    warning: mapping key `eventId` not found: this incident can never be resolved through the API, and every repeat creates a new one
    fragile: with case-sensitive matching this would be 202 discarded; the result depends on a reading Callgoose does not document
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - Suspicious Lateral Movement
    description  Unmatched flow detected from pod 'frontend' to 'db-internal'
    map key      tigera-sec-001
    resolve      no resolve part matched

1 request, 2 services: 2 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn a_resolve_answers_200_and_names_the_mapping_value() {
    Test::new()
        .args(&["check", "samples/sedai/resolved.json", "--service", "sedai"])
        .expect(
            0,
            str![[r#"
samples/sedai/resolved.json
  sedai: 200 resolves the open incident(s) with its mapping value
    resolve      #1 "open" resolves incidents mapped to evt-839201

1 request, 1 service: 0 created (201), 1 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn reads_a_body_from_stdin_with_or_without_a_dash() {
    let body = std::fs::read_to_string("samples/tigera/firing.json").unwrap();
    for args in [
        &["check", "--service", "tigera"][..],
        &["check", "-", "--service", "tigera"],
    ] {
        Test::new().args(args).stdin(&body).expect(
            0,
            str![[r#"
<stdin>
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - Suspicious Lateral Movement
    description  Unmatched flow detected from pod 'frontend' to 'db-internal'
    map key      tigera-sec-001
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
    }
}

#[test]
fn a_discarded_request_exits_1() {
    Test::new()
        .args(&["check", "--service", "tigera"])
        .stdin(r#"{"status": "pending", "alert_id": "x"}"#)
        .expect(
            1,
            str![[r#"
<stdin>
  tigera: 202 discarded: no filter matched
    near miss #1 "security alert": `status` is "pending", which lacks "firing"
    near miss #1 "security alert" resolve: `status` is "pending", which lacks "resolved"

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn a_broken_body_in_a_stream_is_reported_and_the_others_are_evaluated() {
    Test::new()
        .args(&["check", "--service", "tigera"])
        .stdin(
            "{\"status\":\"resolved\",\"alert_id\":\"a1\"}\n{\"status\": tru}\n{\"status\":\"pending\"}\n",
        )
        .expect(
            2,
            str![[r#"
<stdin>#1
  tigera: 200 resolves the open incident(s) with its mapping value
    resolve      #1 "security alert" resolves incidents mapped to a1

<stdin>#3
  tigera: 202 discarded: no filter matched
    near miss #1 "security alert": `status` is "pending", which lacks "firing"
    near miss #1 "security alert" resolve: `status` is "pending", which lacks "resolved"

2 requests, 1 service: 0 created (201), 1 resolved (200), 1 discarded (202), 1 skipped (1 unreadable body)

"#]],
            str![[r#"
error: <stdin>#2: line 2, column 15: expected ident: the body is skipped

"#]],
        );
}

#[test]
fn pretty_bodies_back_to_back_are_separate_requests() {
    Test::new()
        .args(&["check", "--service", "tigera", "--format", "json"])
        .stdin("{\n  \"status\": \"pending\"\n}\n{\n  \"status\": \"resolved\", \"alert_id\": 7\n}")
        .expect(
            0,
            str![[r#"
{"input":"<stdin>","index":1,"service":"tigera","code":202,"trigger":null,"resolve":null,"warnings":[]}
{"input":"<stdin>","index":2,"service":"tigera","code":200,"trigger":null,"resolve":{"filter":"security alert","position":1,"map_key":"7"},"warnings":[]}

"#]],
            str![""],
        );
}

#[test]
fn a_body_that_is_not_json_is_still_a_request_with_a_warning() {
    Test::new()
        .args(&["check", "--service", "tigera"])
        .stdin("{\"status\": \"firing\",\n \"alert_id\": }\n")
        .expect(
            1,
            str![[r#"
<stdin>
  tigera: 202 discarded: no filter matched
    warning: the body is not JSON (line 2, column 14: expected value): it is taken as text, and no key can be read from it
    near miss #1 "security alert": `status` is not in the payload
      hint: the body is not JSON, so no key can be read from it
    near miss #1 "security alert" resolve: `status` is not in the payload
      hint: the body is not JSON, so no key can be read from it

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn empty_input_is_a_clear_error() {
    Test::new().args(&["check"]).stdin("  \n").expect(
        2,
        str![[r#"
0 requests, 2 services: 0 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
        str![[r#"
error: <stdin> is empty: give a JSON body (or a text body) to evaluate

"#]],
    );
}

#[test]
fn a_missing_path_is_reported_and_the_other_paths_still_run() {
    Test::new()
        .args(&["check", "no-such.json", "samples/tigera/firing.json", "--service", "tigera"])
        .expect(
            2,
            str![[r#"
samples/tigera/firing.json
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - Suspicious Lateral Movement
    description  Unmatched flow detected from pod 'frontend' to 'db-internal'
    map key      tigera-sec-001
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
            str![[r#"
error: cannot read no-such.json: No such file or directory (os error 2): give an existing file or folder, or - for standard input

"#]],
        );
}

#[test]
fn folders_are_read_recursively_in_sorted_order() {
    let t = Test::in_temp()
        .file("p/b.json", r#"{"status": "resolved", "alert_id": "b"}"#)
        .file("p/a/z.jsonl", "{\"status\": \"x\"}\n{\"status\": \"y\"}\n")
        .file("p/notes.txt", "not a payload")
        .raw_file(
            "filters/t.toml",
            std::fs::read("filters/tigera.toml").unwrap().as_slice(),
        );
    t.args(&["check", "p", "--format", "json"]).expect(
        0,
        str![[r#"
{"input":"p/a/z.jsonl","index":1,"service":"tigera","code":202,"trigger":null,"resolve":null,"warnings":[]}
{"input":"p/a/z.jsonl","index":2,"service":"tigera","code":202,"trigger":null,"resolve":null,"warnings":[]}
{"input":"p/b.json","index":1,"service":"tigera","code":200,"trigger":null,"resolve":{"filter":"security alert","position":1,"map_key":"b"},"warnings":[]}

"#]],
        str![""],
    );
}

#[test]
fn terminal_controls_in_payload_values_are_escaped() {
    Test::new()
        .args(&["check", "--service", "tigera"])
        .stdin(r#"{"status": "firing", "alert_name": "a\u001b[2Jb\u202e", "alert_id": "x\ty", "description": "d"}"#)
        .expect(
            0,
            str![[r#"
<stdin>
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - a\u{1b}[2Jb\u{202e}
    description  d
    map key      x\ty
    resolve      no resolve part matched

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let out = Test::new()
        .args(&[
            "check",
            "samples/tigera/firing.json",
            "--service",
            "tigera",
            "--color",
            "always",
        ])
        .output();
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("\u{1b}[1;32m201 creates an incident\u{1b}[0m"),
        "{}",
        out.stdout
    );
    // Not a terminal, so auto is plain whatever NO_COLOR says.
    let out = Test::new()
        .args(&["check", "samples/tigera/firing.json", "--service", "tigera"])
        .output();
    assert!(!out.stdout.contains('\u{1b}'));
}

#[test]
fn usage_errors_exit_2() {
    let out = Test::new()
        .args(&["check", "--conditions", "some", "x"])
        .output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr
            .starts_with("error: invalid value 'some' for '--conditions <HOW>'"),
        "{}",
        out.stderr
    );
}

#[test]
fn null_and_empty_incident_fields_are_warned_about() {
    let body = r#"{"status": "firing", "alert_name": null, "description": "", "alert_id": null}"#;
    Test::new()
        .args(&["check", "-", "--service", "tigera"])
        .stdin(body)
        .expect(
            0,
            str![[r#"
<stdin>
  tigera: 201 creates an incident
    filter       #1 "security alert"
    urgency      high
    title        Tigera - null
    description  
    map key      null
    resolve      no resolve part matched
    warning: title key `alert_name` is null: the title shows the text `null`; take the title from a key that always has a value
    warning: description key `description` is empty: the incident has no description; take it from a key that always has a value, or leave description_from out to get the whole payload
    warning: mapping key `alert_id` is null: it is read as the text `null`, so every alert whose `alert_id` is null maps to one incident; map on a key that identifies the alert
    fragile: with null_values = "missing" this would be 201 via filter #1 "security alert" with title "Incident from Tigera", no mapping value; the result depends on a reading Callgoose does not document

1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202)

"#]],
            str![""],
        );

    let out = Test::new()
        .args(&["check", "-", "--service", "tigera", "--format", "json"])
        .stdin(body)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    let kinds: Vec<&str> = line["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["null_title", "empty_description", "null_map_key"]);
    assert_eq!(line["trigger"]["map_key"], "null");
}

#[test]
fn the_string_null_is_a_value_like_any_other() {
    let out = Test::new()
        .args(&["check", "-", "--service", "tigera", "--format", "json"])
        .stdin(
            r#"{"status": "firing", "alert_name": "null", "description": "d", "alert_id": "null"}"#,
        )
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(line["warnings"], serde_json::json!([]));
}
