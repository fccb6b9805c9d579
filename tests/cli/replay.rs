use crate::support::{Test, json_lines};
use snapbox::str;

const TOKEN: &str = "tok-demo-7f3a9c";

#[test]
fn a_lifecycle_replay_shows_the_incident_opening_and_closing() {
    Test::new()
        .args(&["replay", "samples/replay/lifecycle.jsonl", "--service", "tigera", "--token", TOKEN])
        .expect(
            0,
            str![[r#"
   #1  samples/replay/lifecycle.jsonl#1  201 tigera: created incident #1 "Tigera - Suspicious Lateral Movement" [tigera-sec-001]
   #2  samples/replay/lifecycle.jsonl#2  202 discarded
   #3  samples/replay/lifecycle.jsonl#3  201 tigera: duplicate of incident #1
   #4  samples/replay/lifecycle.jsonl#4  200 tigera: resolved incident #1 after 10m 00s
   #5  samples/replay/lifecycle.jsonl#5  200 tigera: resolve has no mapping value: `alert_id` is not in the payload

replayed 5 requests
  incidents created               1
  duplicates folded               1
  resolved                        1
  left open                       0
  discarded (202)                 1
  resolves with no open incident  0
  resolves with no mapping value  1
  triggers without a mapping key  0
  unauthorized (401)              0

"#]],
            str![""],
        );
}

#[test]
fn both_integrations_open_and_close_in_one_replay() {
    let out = Test::new()
        .args(&[
            "replay",
            "samples/replay/lifecycle.jsonl",
            "--format",
            "json",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    let closed: Vec<(String, String)> = lines
        .iter()
        .flat_map(|l| l["actions"].as_array().cloned().unwrap_or_default())
        .filter(|a| a["resolve"]["action"] == "resolved")
        .map(|a| {
            (
                a["service"].as_str().unwrap().to_owned(),
                a["resolve"]["open_ms"][0].to_string(),
            )
        })
        .collect();
    assert_eq!(
        closed,
        [
            ("tigera".to_owned(), "600000".to_owned()),
            ("sedai".to_owned(), "780000".to_owned())
        ]
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    // Under a global token, Sedai's FIRING filter also catches Tigera's lower-case "firing": the
    // replay shows the two keyless incidents that cross-talk would leave open.
    assert_eq!(summary["keyless"], 2);
    assert_eq!(summary["open"], 2);
    // The incidents left open come just before the summary, one line each, in order of creation.
    let open: Vec<(&str, u64)> = lines[lines.len() - 3..lines.len() - 1]
        .iter()
        .map(|l| (l["type"].as_str().unwrap(), l["incident"].as_u64().unwrap()))
        .collect();
    assert_eq!(open, [("open_incident", 1), ("open_incident", 4)]);
}

#[test]
fn repeats_a_missing_mapping_key_an_unmatched_resolve_and_a_stale_token_are_counted() {
    Test::new()
        .args(&["replay", "samples/replay/troubles.jsonl", "--service", "tigera", "--token", TOKEN])
        .expect(
            0,
            str![[r#"
   #1  samples/replay/troubles.jsonl#1  201 tigera: created incident #1 "Tigera - DNS Exfiltration" [tigera-sec-002]
   #2  samples/replay/troubles.jsonl#2  201 tigera: duplicate of incident #1
   #3  samples/replay/troubles.jsonl#3  201 tigera: created incident #2 "Tigera - Port Scan Detected" [no mapping key]
   #4  samples/replay/troubles.jsonl#4  201 tigera: created incident #3 "Tigera - Port Scan Detected" [no mapping key]
   #5  samples/replay/troubles.jsonl#5  200 tigera: resolve found no open incident [tigera-sec-404]
   #6  samples/replay/troubles.jsonl#6  403 forbidden: the request's API token is none Callgoose knows
   #7  samples/replay/troubles.jsonl#7  202 discarded
   #8  samples/replay/troubles.jsonl#8  202 discarded

replayed 8 requests
  incidents created               3
  duplicates folded               1
  resolved                        0
  left open                       3
  discarded (202)                 2
  resolves with no open incident  1
  resolves with no mapping value  0
  triggers without a mapping key  2
  unauthorized (401)              0
  forbidden (403)                 1
left open:
  #1 tigera: "Tigera - DNS Exfiltration" [tigera-sec-002], created by request #1, 1 duplicate folded, open 7m 00s
  #2 tigera: "Tigera - Port Scan Detected" [no mapping key], created by request #3, open 5m 00s
  #3 tigera: "Tigera - Port Scan Detected" [no mapping key], created by request #4, open 4m 00s

"#]],
            str![""],
        );
}

#[test]
fn diff_filters_names_the_requests_a_filter_change_alters() {
    let out = Test::new()
        .args(&[
            "replay",
            "samples/replay/troubles.jsonl",
            "--token",
            TOKEN,
            "--diff-filters",
            "filters/tigera.toml",
            "samples/troubleshooting/no-map-key.toml",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    // Each change names the field that differs (the service renamed, the rest unchanged).
    let first_lines: Vec<&str> = out.stdout.lines().take(9).collect();
    assert_eq!(
        first_lines,
        [
            "   #1  samples/replay/troubles.jsonl#1",
            "         old: 201 tigera: created incident #1 \"Tigera - DNS Exfiltration\" [tigera-sec-002]",
            "         new: 201 tigera-no-map-key: created incident #1 \"Tigera - DNS Exfiltration\" [no mapping key]",
            "         changed: tigera mapping key: [tigera-sec-002] -> [no mapping key]",
            "   #2  samples/replay/troubles.jsonl#2",
            "         old: 201 tigera: duplicate of incident #1",
            "         new: 201 tigera-no-map-key: created incident #2 \"Tigera - DNS Exfiltration\" [no mapping key]",
            "         changed: tigera trigger: folds into the incident created by request #1 -> creates an incident",
            "",
        ]
    );
    assert!(
        out.stdout
            .contains("2 of 8 requests change their outcome\n")
    );
    assert!(
        out.stdout
            .contains("  incidents created                      3        4       +1\n"),
        "{}",
        out.stdout
    );

    let same = Test::new()
        .args(&[
            "replay",
            "samples/replay/troubles.jsonl",
            "--diff-filters",
            "filters",
            "filters",
        ])
        .output();
    assert_eq!(same.code, 0);
    assert!(
        same.stdout
            .starts_with("\nno request of 8 changes its outcome\n"),
        "{}",
        same.stdout
    );
}

#[test]
fn tokens_never_appear_in_any_output() {
    // The token also appears inside a payload value: it is redacted there too.
    let body = format!(
        "{{\"body\": {{\"status\": \"firing\", \"alert_id\": \"a\", \"alert_name\": \"leaked {TOKEN}\", \"description\": \"url ?token={TOKEN}\"}}, \"token\": \"{TOKEN}\"}}\n{{\"body\": {{\"status\": \"firing\"}}, \"token\": \"other-secret-123\"}}\n"
    );
    for format in ["human", "json"] {
        for extra in [
            &[][..],
            &[
                "--diff-filters",
                "filters",
                "samples/troubleshooting/no-map-key.toml",
            ][..],
        ] {
            let mut args = vec!["replay", "--token", TOKEN, "--format", format];
            args.extend_from_slice(extra);
            let out = Test::new().args(&args).stdin(&body).output();
            for secret in [TOKEN, "other-secret-123"] {
                assert!(
                    !out.stdout.contains(secret),
                    "{format} {extra:?}: {}",
                    out.stdout
                );
                assert!(
                    !out.stderr.contains(secret),
                    "{format} {extra:?}: {}",
                    out.stderr
                );
            }
        }
    }
    let out = Test::new()
        .args(&["replay", "--token", TOKEN, "--service", "tigera"])
        .stdin(&body)
        .output();
    assert!(
        out.stdout.contains("\"Tigera - leaked ***\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("#2  <stdin>#2  403 forbidden"),
        "{}",
        out.stdout
    );
    // The token given in the environment is a secret too, and not shown by --help.
    let help = Test::new()
        .env("SQIBS_TOKEN", TOKEN)
        .args(&["replay", "--help"])
        .output();
    assert!(!help.stdout.contains(TOKEN));
}

#[test]
fn the_duplicate_window_folds_repeats_timed_by_a_payload_key() {
    let line = |minute: u32| {
        format!(
            "{{\"status\": \"firing\", \"alert_name\": \"Scan\", \"at\": \"2026-04-18T08:{minute:02}:00Z\"}}\n"
        )
    };
    // The same body (same time text) twice, then the same alert later: bodies differ by their time,
    // so only the exact repeat folds.
    let input = format!("{}{}{}", line(0), line(0), line(9));
    let out = Test::new()
        .args(&[
            "replay",
            "--service",
            "tigera",
            "--dedup-window",
            "5m",
            "--time-key",
            "at",
            "--format",
            "json",
        ])
        .stdin(&input)
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = json_lines(&out.stdout);
    let flags: Vec<(bool, bool)> = lines[..3]
        .iter()
        .map(|l| {
            (
                l["response"]["triggered"]["created"].as_bool().unwrap(),
                l["response"]["triggered"]["duplicate"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(flags, [(true, false), (false, true), (true, false)]);
    let summary = lines.last().unwrap();
    assert_eq!(
        (summary["duplicates"].as_u64(), summary["keyless"].as_u64()),
        (Some(1), Some(2))
    );
}

#[test]
fn bad_lines_are_reported_and_the_rest_replayed() {
    Test::new()
        .args(&["replay", "--service", "tigera", "--envelope"])
        .stdin("{\"body\": {\"status\": \"firing\", \"alert_id\": \"a\"}}\n{\"status\": \"firing\"}\n{\"body\": {}, \"token\": 7}\n")
        .expect(
            2,
            str![[r#"
   #1  <stdin>#1  201 tigera: created incident #1 "Incident from Tigera" [a]

replayed 1 requests
  incidents created               1
  duplicates folded               0
  resolved                        0
  left open                       1
  discarded (202)                 0
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              0
  skipped (unreadable)            2
left open:
  #1 tigera: "Incident from Tigera" [a], created by request #1

"#]],
            str![[r#"
error: <stdin>#2: unknown envelope key `status`: an envelope has received_at, from, token, content_type, body, url, headers
error: <stdin>#3: the envelope's `token` must be a string

"#]],
        );
}

#[test]
fn a_bad_duration_is_a_usage_error() {
    let out = Test::new()
        .args(&["replay", "--dedup-window", "5 minutes", "-"])
        .output();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr.contains("invalid duration `5 minutes`"),
        "{}",
        out.stderr
    );
}

/// The repository's copy of a shipped file, for runs in a folder of their own.
fn shipped(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn diff_filters_fails_and_names_the_mapping_key_when_a_changed_map_with_stops_resolves() {
    let tigera = std::fs::read_to_string(shipped("filters/tigera.toml")).unwrap();
    let keyed_by_name = tigera.replace("map_with = \"alert_id\"", "map_with = \"alert_name\"");
    let lifecycle = shipped("samples/replay/lifecycle.jsonl");
    let old = shipped("filters/tigera.toml");
    Test::in_temp()
        .raw_file("tigera.toml", keyed_by_name.as_bytes())
        .args(&["replay", &lifecycle, "--diff-filters", &old, "tigera.toml"])
        .expect(
            1,
            str![[r#"
   #1  [ROOT]/samples/replay/lifecycle.jsonl#1
         old: 201 tigera: created incident #1 "Tigera - Suspicious Lateral Movement" [tigera-sec-001]
         new: 201 tigera: created incident #1 "Tigera - Suspicious Lateral Movement" [Suspicious Lateral Movement]
         changed: tigera mapping key: [tigera-sec-001] -> [Suspicious Lateral Movement]
   #4  [ROOT]/samples/replay/lifecycle.jsonl#4
         old: 200 tigera: resolved incident #1 after 10m 00s
         new: 200 tigera: resolve found no open incident [tigera-sec-001]
         changed: tigera resolve: closes the incident created by request #1 -> finds no open incident [tigera-sec-001]

2 of 5 requests change their outcome
                                       old      new   change
  incidents created                      1        1
  duplicates folded                      1        1
  resolved                               1        0       -1
  left open                              0        1       +1
  discarded (202)                        1        1
  resolves with no open incident         0        1       +1
  resolves with no mapping value         1        1
  triggers without a mapping key         0        0
  unauthorized (401)                     0        0

"#]],
            str![""],
        );
}

#[test]
fn diff_filters_json_names_each_changed_field_and_count() {
    let out = Test::new()
        .args(&[
            "replay",
            "samples/replay/lifecycle.jsonl",
            "--format",
            "json",
            "--diff-filters",
            "filters/tigera.toml",
            "samples/troubleshooting/no-map-key.toml",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let lines = json_lines(&out.stdout);
    let changes: Vec<(u64, String)> = lines
        .iter()
        .filter(|l| l["type"] == "change")
        .flat_map(|l| {
            let number = l["number"].as_u64().unwrap();
            l["changes"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |c| (number, c["field"].as_str().unwrap().to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        changes,
        [
            (1, "map_key".to_owned()),
            (3, "trigger".to_owned()),
            (4, "resolve".to_owned())
        ]
    );
    assert_eq!(
        lines[0]["changes"][0],
        serde_json::json!({"service": "tigera", "field": "map_key", "old": "tigera-sec-001", "new": null})
    );
    assert_eq!(
        lines[2]["changes"][0]["old"],
        serde_json::json!({"action": "resolved", "created_by": [1]})
    );
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "diff_summary");
    assert_eq!(
        summary["differing"],
        serde_json::json!([
            "created",
            "duplicates",
            "resolved",
            "orphan_resolves",
            "keyless"
        ])
    );
}

#[test]
fn a_resolve_without_a_mapping_value_is_counted_apart_in_json() {
    let out = Test::new()
        .args(&[
            "replay",
            "samples/replay/lifecycle.jsonl",
            "--service",
            "tigera",
            "--format",
            "json",
        ])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    // Sedai's resolve also matches Tigera's resolve part, but carries no `alert_id`.
    assert_eq!(
        lines[4]["actions"][0]["resolve"],
        serde_json::json!({"action": "no-mapping-value", "key": "alert_id"})
    );
    let summary = &lines[5];
    assert_eq!(
        (
            summary["unmapped_resolves"].as_u64(),
            summary["orphan_resolves"].as_u64()
        ),
        (Some(1), Some(0))
    );
}

#[test]
fn an_unreadable_time_key_value_warns_instead_of_silently_disabling_the_window() {
    let body = |at: &str| {
        format!(
            "{{\"status\": \"firing\", \"alert_id\": \"a\", \"alert_name\": \"Scan\", \"at\": {at}}}\n"
        )
    };
    let input = [
        body("\"2026-02-31T08:00:00Z\""),
        body("\"2026-02-31T08:00:00Z\""),
        body("1e300"),
        "{\"status\": \"firing\", \"alert_id\": \"a\"}\n".to_owned(),
        "{\"status\": \"pending\"}\n".to_owned(),
    ]
    .concat();
    let args = [
        "replay",
        "--service",
        "tigera",
        "--dedup-window",
        "5m",
        "--time-key",
        "at",
    ];
    let out = Test::new().args(&args).stdin(&input).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let warnings: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains("warning:"))
        .collect();
    let no_time = ": the request has no time, so the duplicate window cannot fold it and its incidents' ages are unknown";
    assert_eq!(
        warnings,
        [
            format!(
                "         warning: time key `at` is not a valid RFC 3339 time: parsed date is not valid: parameter 'day' for `2026-02` is invalid, must be in range `1..=28`{no_time}"
            ),
            format!(
                "         warning: time key `at` is not a valid RFC 3339 time: parsed date is not valid: parameter 'day' for `2026-02` is invalid, must be in range `1..=28`{no_time}"
            ),
            format!(
                "         warning: time key `at` is an epoch number outside the years -9999 to 9999 (seconds below 1e11, milliseconds above){no_time}"
            ),
            format!("         warning: time key `at` not found{no_time}"),
        ]
    );
    // JSON output carries the same warnings on the request objects.
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let out = Test::new().args(&json_args).stdin(&input).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let kinds: Vec<String> = json_lines(&out.stdout)
        .into_iter()
        .filter(|l| l["type"] == "request")
        .map(|l| l["warnings"].to_string())
        .collect();
    assert!(kinds[0].contains("\"kind\":\"no_time\""), "{kinds:?}");
    assert_eq!(kinds[4], "[]");
}

#[test]
fn an_extreme_received_at_is_an_error_not_an_overflow() {
    // Epoch numbers at the ends of i64 would overflow an incident's age in a debug build.
    let input = "{\"received_at\": -9223372036854775808, \"body\": {\"status\": \"firing\", \"alert_id\": \"a\"}}\n{\"received_at\": \"2026-02-31T12:00:00Z\", \"body\": {\"status\": \"firing\", \"alert_id\": \"a\"}}\n{\"received_at\": 9223372036854775807, \"body\": {\"status\": \"resolved\", \"alert_id\": \"a\"}}\n";
    let out = Test::new()
        .args(&["replay", "--service", "tigera", "--format", "json"])
        .stdin(input)
        .output();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: <stdin>#1: the envelope's `received_at` is an epoch number outside the years -9999 to 9999 (seconds below 1e11, milliseconds above)\n\
         error: <stdin>#2: the envelope's `received_at` is not a valid RFC 3339 time: parsed date is not valid: parameter 'day' for `2026-02` is invalid, must be in range `1..=28`\n\
         error: <stdin>#3: the envelope's `received_at` is an epoch number outside the years -9999 to 9999 (seconds below 1e11, milliseconds above)\n"
    );
    assert!(out.stdout.contains("\"skipped\":3"), "{}", out.stdout);
}

#[test]
fn captured_tokens_are_read_by_one_rule() {
    let line = |envelope: &str| {
        format!("{{{envelope}, \"body\": {{\"status\": \"firing\", \"alert_id\": \"a\"}}}}\n")
    };
    let input = [
        // The scheme in any case, with any white space after it.
        line(&format!(
            "\"headers\": {{\"Authorization\": \"BEARER\\t{TOKEN}\"}}"
        )),
        // `%2D` is a `-`; a fragment is no query.
        line("\"url\": \"/v1/process?token=tok%2Ddemo-7f3a9c\""),
        line(&format!("\"url\": \"/v1/process#token={TOKEN}\"")),
        // Two different tokens: the line cannot be read.
        line(&format!(
            "\"url\": \"/v1/process?token={TOKEN}&token=other\""
        )),
    ]
    .concat();
    let out = Test::new()
        .args(&[
            "replay",
            "--service",
            "tigera",
            "--token",
            TOKEN,
            "--format",
            "json",
        ])
        .stdin(&input)
        .output();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: <stdin>#4: the envelope's `url` has the `token` parameter more than once, with different values: a request carries one\n"
    );
    let codes: Vec<u64> = json_lines(&out.stdout)
        .into_iter()
        .filter(|l| l["type"] == "request")
        .map(|l| l["code"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [201, 201, 401]);
}

#[test]
fn a_far_future_request_does_not_make_the_window_quadratic() {
    // Before the window was pruned by time, the far-future first request kept every later one in the
    // window, and each lookup scanned it all.
    let mut input = String::from(
        "{\"received_at\": \"9999-01-01T00:00:00Z\", \"body\": {\"status\": \"firing\", \"n\": -1}}\n",
    );
    for n in 0..20_000 {
        let at = 1_776_427_200 + n * 120;
        input.push_str(&format!(
            "{{\"received_at\": {at}, \"body\": {{\"status\": \"firing\", \"n\": {}}}}}\n",
            n % 10_000
        ));
    }
    let out = Test::new()
        .args(&[
            "replay",
            "--service",
            "tigera",
            "--dedup-window",
            "1m",
            "--format",
            "json",
        ])
        .stdin(&input)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let summary: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().unwrap()).unwrap();
    // Repeats come 10,000 requests (two weeks) apart: none is within the window.
    assert_eq!(
        (summary["created"].as_u64(), summary["duplicates"].as_u64()),
        (Some(20_001), Some(0))
    );
}

/// A Sedai incident opened as OPEN, then a CLOSED notification for it: the resolve part of another filter.
const OPEN_THEN_CLOSED: &str = "{\"eventId\": \"e1\", \"status\": \"OPEN\", \"title\": \"Errors\"}\n{\"eventId\": \"e1\", \"status\": \"CLOSED\", \"title\": \"Errors\"}\n";

#[test]
fn a_resolve_by_another_filter_closes_by_default_and_is_flagged_as_fragile() {
    Test::new()
        .args(&["replay", "--service", "sedai", "-"])
        .stdin(OPEN_THEN_CLOSED)
        .expect(
            0,
            str![[r#"
   #1  <stdin>#1  201 sedai: created incident #1 "Sedai - Errors" [e1]
   #2  <stdin>#2  200 sedai: resolved incident #1
         fragile: sedai: with resolve_scope = "filter" this request would close no incident; the result depends on a reading Callgoose does not document

replayed 2 requests
  incidents created               1
  duplicates folded               0
  resolved                        1
  left open                       0
  discarded (202)                 0
  resolves with no open incident  0
  resolves with no mapping value  0
  triggers without a mapping key  0
  unauthorized (401)              0

"#]],
            str![""],
        );
}

#[test]
fn resolve_scope_filter_closes_only_what_the_same_filter_opened() {
    let out = Test::new()
        .args(&[
            "replay",
            "--service",
            "sedai",
            "--resolve-scope",
            "filter",
            "--format",
            "json",
            "-",
        ])
        .stdin(OPEN_THEN_CLOSED)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    // The first request touched nothing another reading would change: no `fragile` at all.
    assert_eq!(lines[0]["actions"][0].get("fragile"), None);
    assert_eq!(lines[1]["response"]["resolved"]["resolved"], false);
    assert_eq!(
        lines[1]["actions"][0]["resolve"]["action"],
        "no-open-incident"
    );
    assert_eq!(
        lines[1]["actions"][0]["fragile"],
        serde_json::json!([{"reading": "resolve_scope = \"service\"", "outcome": "close incident #1"}])
    );
    assert_eq!(
        (&lines[2]["type"], &lines[2]["map_key"]),
        (&"open_incident".into(), &"e1".into())
    );
    assert_eq!(lines[3]["open"], 1);
}

#[test]
fn a_repeat_that_only_the_dedup_window_folds_is_flagged_as_fragile() {
    let line =
        "{\"status\": \"firing\", \"alert_name\": \"Scan\", \"at\": \"2026-04-18T08:00:00Z\"}\n";
    let out = Test::new()
        .args(&[
            "replay",
            "--service",
            "tigera",
            "--dedup-window",
            "5m",
            "--time-key",
            "at",
            "-",
        ])
        .stdin(format!("{line}{line}"))
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let timeline: Vec<&str> = out.stdout.lines().take(3).collect();
    assert_eq!(
        timeline,
        [
            "   #1  <stdin>#1  201 tigera: created incident #1 \"Tigera - Scan\" [no mapping key]",
            "   #2  <stdin>#2  201 tigera: duplicate of incident #1",
            "         fragile: tigera: with no --dedup-window this request would create a new incident; the result depends on a reading Callgoose does not document",
        ]
    );
}

/// A run in a fresh folder holding the repository's filters and `traffic`.
fn cases_run(traffic: &str) -> Test {
    let root = env!("CARGO_MANIFEST_DIR");
    let filters = std::fs::read_to_string(format!("{root}/filters/tigera.toml")).unwrap();
    Test::in_temp()
        .raw_file("filters/tigera.toml", filters.as_bytes())
        .raw_file("traffic.jsonl", traffic.as_bytes())
}

#[test]
fn replay_cases_writes_a_case_file_that_test_passes_at_once() {
    let root = env!("CARGO_MANIFEST_DIR");
    let lifecycle =
        std::fs::read_to_string(format!("{root}/samples/replay/lifecycle.jsonl")).unwrap();
    let run = cases_run(&lifecycle);
    let dir = run.dir().to_owned();
    let out = run
        .args(&[
            "replay",
            "traffic.jsonl",
            "--service",
            "tigera",
            "--token",
            TOKEN,
            "--cases",
            "out.toml",
        ])
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("wrote out.toml: one scenario of 5 steps"),
        "{}",
        out.stderr
    );
    let text = std::fs::read_to_string(dir.join("out.toml")).unwrap();
    assert!(!text.contains(TOKEN), "{text}");
    crate::support::assert_text(
        &text,
        str![[r##"
# Captured traffic, written by `sqibs-filter replay --cases`: the requests in order, and the
# actions they took as expectations. Tokens are not written.
filters = "filters"
service = "tigera"

[[scenario]]
name = "captured traffic: 5 requests"
open = []
[[scenario.step]]
# captured with from = "Tigera"
body = """{"status":"firing","alert_name":"Suspicious Lateral Movement","alert_id":"tigera-sec-001","severity":"high","description":"Unmatched flow detected from pod 'frontend' to 'db-internal'","timestamp":"2026-04-17T12:00:00Z","labels":{"namespace":"production","cluster":"aws-us-east-1"}}"""
expect = "created"
[[scenario.step]]
# captured with from = "Sedai"
body = """{"eventId":"evt-839201","eventType":"Availability","title":"High Error Rate Detected","message":"Error rate for service 'checkout-api' exceeded 5% threshold.","severity":"CRITICAL","status":"OPEN","resource":{"name":"checkout-api","type":"Kubernetes Service","region":"us-west-2"},"timestamp":"2023-11-15T10:00:00Z","link":"https://dashboard.sedai.io/events/evt-839201"}"""
expect = "discarded"
[[scenario.step]]
# captured with from = "Tigera"
body = """{"status":"firing","alert_name":"Suspicious Lateral Movement","alert_id":"tigera-sec-001","severity":"high","description":"Unmatched flow detected from pod 'frontend' to 'db-internal'","timestamp":"2026-04-17T12:00:00Z","labels":{"namespace":"production","cluster":"aws-us-east-1"}}"""
expect = "duplicate"
[[scenario.step]]
# captured with from = "Tigera"
body = '{"status":"resolved","alert_name":"Suspicious Lateral Movement","alert_id":"tigera-sec-001","resolved_at":"2026-04-17T12:10:00Z"}'
expect = "resolved"
[[scenario.step]]
# captured with from = "Sedai"
body = """{"eventId":"evt-839201","eventType":"Availability","title":"High Error Rate Detected","message":"Error rate for service 'checkout-api' has returned to normal levels.","severity":"INFO","status":"RESOLVED","resource":{"name":"checkout-api","type":"Kubernetes Service","region":"us-west-2"},"timestamp":"2023-11-15T10:15:00Z","resolvedAt":"2023-11-15T10:15:00Z"}"""
expect = "no-open-incident"

"##]],
    );
    let test = Test::at(&dir).args(&["test", "out.toml"]).output();
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
    assert!(
        test.stdout.contains("1 passed, 0 failed"),
        "{}",
        test.stdout
    );
}

#[test]
fn replay_cases_bodies_read_back_exactly() {
    let body = "{\"status\": \"firing\", \"alert_id\": \"a\\\\b \\\"q\\\" 'x' '''\", \"description\": \"line 1\\nline 2\\r\\n\u{e9}t\u{e9} \u{1f525}\"}";
    let text = format!("{body}\n{body}\n");
    let run = cases_run(&text);
    let dir = run.dir().to_owned();
    let out = run
        .args(&["replay", "traffic.jsonl", "--cases", "out.toml"])
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.join("out.toml")).unwrap();
    let doc: toml::Table = written.parse().unwrap();
    let steps = doc["scenario"][0]["step"].as_array().unwrap();
    assert_eq!(steps.len(), 2);
    for step in steps {
        assert_eq!(step["body"].as_str(), Some(body), "{written}");
    }
    assert_eq!(steps[0]["expect"].as_str(), Some("created"));
    assert_eq!(steps[1]["expect"].as_str(), Some("duplicate"));
    let test = Test::at(&dir).args(&["test", "out.toml"]).output();
    assert_eq!(test.code, 0, "{}{}", test.stdout, test.stderr);
}

#[test]
fn replay_cases_never_writes_a_token() {
    let secret = "tok-very-secret-123";
    let traffic = format!(
        "{{\"from\": \"Tigera\", \"token\": \"{secret}\", \"body\": {{\"status\": \"firing\", \"alert_id\": \"x-1\"}}}}\n"
    );
    let run = cases_run(&traffic);
    let dir = run.dir().to_owned();
    let out = run
        .args(&[
            "replay",
            "traffic.jsonl",
            "--token",
            secret,
            "--cases",
            "out.toml",
        ])
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.join("out.toml")).unwrap();
    assert!(!written.contains(secret), "{written}");
    assert!(written.contains("from = \"Tigera\""), "{written}");
    // A body that carries the token itself is refused, and nothing is written.
    let traffic = format!(
        "{{\"from\": \"Tigera\", \"token\": \"{secret}\", \"body\": {{\"status\": \"firing\", \"alert_id\": \"{secret}\"}}}}\n"
    );
    let run = cases_run(&traffic);
    let dir = run.dir().to_owned();
    let out = run
        .args(&[
            "replay",
            "traffic.jsonl",
            "--token",
            secret,
            "--cases",
            "out.toml",
        ])
        .output();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("a case file never holds a secret"),
        "{}",
        out.stderr
    );
    assert!(!dir.join("out.toml").exists());
    assert!(!out.stderr.contains(secret), "{}", out.stderr);
}

#[test]
fn replay_cases_refuses_an_existing_file() {
    let run =
        cases_run("{\"status\": \"firing\", \"alert_id\": \"x-1\"}\n").file("out.toml", "# mine\n");
    let dir = run.dir().to_owned();
    run.args(&["replay", "traffic.jsonl", "--cases", "out.toml"])
        .expect(
            2,
            str![""],
            str![[r#"
error: out.toml exists: --cases never overwrites a file; remove it or name another

"#]],
        );
    assert_eq!(
        std::fs::read_to_string(dir.join("out.toml")).unwrap(),
        "# mine\n"
    );
}
