//! Tokens and services as Callgoose scopes them: global and service-scoped tokens, 401 without a token
//! and 403 with an unknown one, disabled services and services in maintenance, in `replay`, `check`
//! and `test` scenarios; and the process endpoint's documented response body. No token ever shows.

use crate::support::{Output, Test, json_lines};
use snapbox::str;

const TRAFFIC: &str = "samples/access/traffic.jsonl";
const FILTERS: &str = "samples/access/filters";
const ALERTS: &str = "alerts=tok-alerts-41f7";
const AUDIT: &str = "audit=tok-audit-93c2";
const GLOBAL: &str = "tok-global-5d18";

/// No token of the sample appears in `text`.
fn hides_every_token(text: &str) {
    for token in [
        "tok-alerts-41f7",
        "tok-audit-93c2",
        "tok-global-5d18",
        "tok-stale-0000",
    ] {
        assert!(!text.contains(token), "{token} shows in:\n{text}");
    }
}

#[test]
fn a_scoped_token_reaches_its_service_only_and_the_others_are_refused() {
    let out = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS])
        .args(&["--token", ALERTS, "--token", AUDIT, "--token", GLOBAL])
        .expect(
            0,
            str![[r#"
   #1  samples/access/traffic.jsonl#1  201 alerts: created incident #1 "Monitor - Disk full" [disk-1] P2
   #2  samples/access/traffic.jsonl#2  401 unauthorized: the request carries no API token
   #3  samples/access/traffic.jsonl#3  403 forbidden: the request's API token is none Callgoose knows
   #4  samples/access/traffic.jsonl#4  202 discarded
   #5  samples/access/traffic.jsonl#5  201 alerts: created incident #2 "Monitor - CPU hot" [cpu-2] P2
   #6  samples/access/traffic.jsonl#6  200 alerts: resolved incident #1 after 10m 00s

replayed 6 requests
  incidents created               2
  duplicates folded               0
  resolved                        1
  left open                       1
  discarded (202)                 1
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              1
  forbidden (403)                 1
left open:
  #2 alerts: "Monitor - CPU hot" [cpu-2], created by request #5, open 6m 00s

"#]],
            str![""],
        );
    hides_every_token(&out.stdout);
}

#[test]
fn the_environment_holds_the_same_tokens_separated_by_white_space() {
    let given = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--format", "json"])
        .args(&["--token", ALERTS, "--token", AUDIT, "--token", GLOBAL])
        .output();
    let from_env = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--format", "json"])
        .env("SQIBS_TOKEN", &format!("{ALERTS}\n{AUDIT} {GLOBAL}\n"))
        .output();
    assert_eq!((given.code, from_env.code), (0, 0));
    assert_eq!(given.stdout, from_env.stdout);
    assert_eq!((given.stderr.as_str(), from_env.stderr.as_str()), ("", ""));
    // `--token` wins over the environment.
    let flag_wins = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--format", "json"])
        .args(&["--token", ALERTS, "--token", AUDIT, "--token", GLOBAL])
        .env("SQIBS_TOKEN", "something-else")
        .output();
    assert_eq!(flag_wins.stdout, given.stdout);
    // Without any token, nothing is checked: every request reaches every service.
    let open = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--format", "json"])
        .output();
    let codes: Vec<u64> = json_lines(&open.stdout)
        .into_iter()
        .filter(|l| l["type"] == "request")
        .map(|l| l["code"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [201, 201, 201, 202, 201, 200]);
}

#[test]
fn the_response_body_is_the_documented_one_with_its_status() {
    let out = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--format", "json"])
        .args(&[
            "--token",
            ALERTS,
            "--token",
            GLOBAL,
            "--maintenance",
            "alerts",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    hides_every_token(&out.stdout);
    let lines = json_lines(&out.stdout);
    let response = |n: usize| (lines[n]["code"].clone(), lines[n]["response"].clone());
    let processed = |id: usize| {
        serde_json::json!({"id": id, "triggered": {"created": false, "duplicate": false},
            "resolved": {"resolved": false, "duplicate": false}})
    };
    // In maintenance the incident is suppressed: nothing is created, and the request answers 202.
    assert_eq!(response(0), (202.into(), processed(1)));
    assert_eq!(
        lines[0]["actions"][0]["trigger"],
        serde_json::json!({"action": "suppressed", "title": "Monitor - Disk full",
            "map_key": "disk-1", "priority": "P2"})
    );
    assert_eq!(
        response(1),
        (
            401.into(),
            serde_json::json!({"error": "unauthorized: the request carries no API token"})
        )
    );
    let forbidden =
        serde_json::json!({"error": "forbidden: the request's API token is none Callgoose knows"});
    assert_eq!(response(2), (403.into(), forbidden.clone()));
    // The audit token is not known in this run.
    assert_eq!(response(3), (403.into(), forbidden));
    assert_eq!(response(4), (202.into(), processed(5)));
    // The resolve is evaluated in maintenance, but nothing was opened to close.
    assert_eq!(response(5), (200.into(), processed(6)));
    let summary = &lines[6];
    assert_eq!(
        [
            &summary["unauthorized"],
            &summary["forbidden"],
            &summary["suppressed"],
            &summary["created"]
        ],
        [1, 2, 2, 0].map(serde_json::Value::from).each_ref()
    );
}

#[test]
fn the_response_flags_follow_the_documented_rules() {
    let stream = [
        r#"{"status": "firing", "id": "a", "title": "A"}"#,
        r#"{"status": "firing", "id": "a", "title": "A"}"#,
        r#"{"status": "resolved", "id": "a"}"#,
        r#"{"status": "resolved", "id": "a"}"#,
    ]
    .join("\n");
    let out = Test::new()
        .args(&[
            "replay",
            "-",
            "--filters",
            "samples/access/filters/alerts.toml",
        ])
        .args(&["--format", "json"])
        .stdin(stream)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let got: Vec<(u64, serde_json::Value)> = json_lines(&out.stdout)
        .into_iter()
        .filter(|l| l["type"] == "request")
        .map(|l| (l["code"].as_u64().unwrap(), l["response"].clone()))
        .collect();
    let body = |id: usize, created: bool, duplicate: bool, resolved: bool| {
        serde_json::json!({"id": id, "triggered": {"created": created, "duplicate": duplicate},
            "resolved": {"resolved": resolved, "duplicate": false}})
    };
    assert_eq!(
        got,
        [
            (201, body(1, true, false, false)),
            (201, body(2, false, true, false)),
            (200, body(3, false, false, true)),
            (200, body(4, false, false, false)),
        ]
    );
}

#[test]
fn a_token_whose_scope_names_no_service_is_global_with_a_note_that_never_quotes_it() {
    let out = Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS])
        .args(&["--token", "alert=tok-alerts-41f7", "--format", "json"])
        .output();
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "note: token #1 is written NAME=SECRET but NAME is no loaded service, so the whole text is one global token; write SERVICE=SECRET with a service of the filters (alerts, audit), or *=SECRET to say it is global\n"
    );
    hides_every_token(&out.stderr);
    // As a global token, `alert=tok-alerts-41f7` is no token any request carries.
    assert!(
        out.stdout
            .lines()
            .take(6)
            .all(|l| l.contains("\"code\":40")),
        "{}",
        out.stdout
    );
    // A scope with nothing after it is an unset variable: an error, not a token.
    Test::new()
        .args(&["replay", TRAFFIC, "--filters", FILTERS, "--token", "alerts="])
        .expect(
            2,
            str![""],
            str![[r#"
error: token #1 is `alerts=` with no secret after it (an unset variable, as in alerts=$TOKEN, gives one); give the token Callgoose knows for alerts

"#]],
        );
}

#[test]
fn check_leaves_a_disabled_service_out_and_shows_a_suppressed_incident() {
    let body = r#"{"status": "firing", "id": "disk-1", "title": "Disk full"}"#;
    Test::new()
        .args(&["check", "-", "--filters", FILTERS, "--maintenance", "alerts"])
        .stdin(body)
        .expect(
            1,
            str![[r#"
<stdin>
  alerts: 202 in maintenance: the incident it would create is suppressed
    filter       #1 "alert"
    urgency      high
    priority     P2
    title        Monitor - Disk full
    description  {"status": "firing", "id": "disk-1", "title": "Disk full"}
    map key      disk-1
    resolve      no resolve part matched

1 request, 1 service: 0 created (201), 0 resolved (200), 1 discarded (202) (1 suppressed: maintenance)

"#]],
            str![[r#"
note: service "audit" is disabled (state = "disabled" in samples/access/filters/audit.toml): it evaluates nothing

"#]],
        );
    let out = Test::new()
        .args(&[
            "check",
            "-",
            "--filters",
            FILTERS,
            "--maintenance",
            "alerts",
        ])
        .args(&["--format", "json"])
        .stdin(body)
        .output();
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        (out.code, &line["code"], &line["trigger"]),
        (1, &202.into(), &serde_json::Value::Null)
    );
    assert_eq!(line["suppressed"]["title"], "Monitor - Disk full");
    // Enabled, the same request creates the incident, and the line has no `suppressed`.
    let out = Test::new()
        .args(&["check", "-", "--filters", FILTERS, "--format", "json"])
        .stdin(body)
        .output();
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!((out.code, &line["code"]), (0, &201.into()));
    assert!(line.get("suppressed").is_none(), "{line}");
}

#[test]
fn maintenance_must_name_a_loaded_service() {
    Test::new()
        .args(&[
            "check",
            "samples/tigera/firing.json",
            "--maintenance",
            "tigerra",
        ])
        .expect(
            2,
            str![""],
            str![[r#"
error: --maintenance tigerra: no service "tigerra" in filters: did you mean "tigera"?

"#]],
        );
    let out = Test::new()
        .args(&["test", "samples/access", "--maintenance", "nope"])
        .output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "error: --maintenance nope: no service \"nope\" in the filters the case files use\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn the_access_scenarios_pass_and_fail_under_maintenance() {
    let out = Test::new()
        .args(&["test", "samples/access", "--deny-uncovered"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("\n5 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
    // With the alerts service in maintenance, what it would create is suppressed.
    let out = Test::new()
        .args(&["test", "samples/access", "--maintenance", "alerts"])
        .output();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "-step 4 = \"created\"\n-step 5 = \"duplicate\"\n-step 6 = \"resolved\"\n+step 4 = \"suppressed\"\n+step 5 = \"suppressed\"\n+step 6 = \"no-open-incident\""
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("not exercised"),
        "a suppressed trigger held: {}",
        out.stdout
    );
    hides_every_token(&out.stdout);
}

/// `test` run in a fresh folder holding the sample's alerts filters as `filters.toml` and `cases`.
fn test_beside_the_alerts_filters(name: &str, cases: &str) -> Output {
    let filters = std::fs::read_to_string("samples/access/filters/alerts.toml").unwrap();
    Test::in_temp()
        .file("filters.toml", &filters)
        .file(name, cases)
        .args(&["test", "."])
        .output()
}

#[test]
fn a_failing_scenario_never_shows_the_tokens_it_names() {
    let cases = r#"
filters = "filters.toml"

[[scenario]]
name = "the mapping value is a token"
tokens = ["tok-global-5d18"]
open = []

[[scenario.step]]
body = '{"status": "firing", "id": "tok-global-5d18", "title": "t"}'
token = "tok-global-5d18"
expect = "created"
"#;
    let out = test_beside_the_alerts_filters("leak.cases.toml", cases);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("+open = [\"***\"]"), "{}", out.stdout);
    hides_every_token(&format!("{}{}", out.stdout, out.stderr));
}

#[test]
fn scenario_tokens_are_checked_like_the_flag() {
    let cases = r#"
filters = "filters.toml"

[[scenario]]
name = "bad tokens"
tokens = ["alert=tok-alerts-41f7", "alerts=", ""]

[[scenario.step]]
body = '{"status": "firing", "id": "a"}'
token = ""
state = "paused"
expect = "created"
"#;
    let out = test_beside_the_alerts_filters("bad.cases.toml", cases);
    assert_eq!(out.code, 2);
    for message in [
        "error: a token in `tokens` is empty",
        "error: token 2 of `tokens` is `alerts=` with no secret after it",
        "error: token 1 of `tokens` is written NAME=SECRET, but NAME is no service of the filters",
        "error: step 1 carries an empty token",
        "error: unknown state `paused`",
    ] {
        assert!(out.stderr.contains(message), "{message}:\n{}", out.stderr);
    }
    hides_every_token(&out.stderr);
}
