//! Tokens never appear in any output: the run's `--token`, the token each captured request carries
//! (envelope `token`, URL `token=`, `Authorization: Bearer`) and text shaped like a secret, in human and
//! JSON output, error messages, the JUnit report and blessed files; and hiding them never corrupts the
//! output or changes a verdict.

use crate::support::{Output, Test, json_lines};
use serde_json::Value;
use snapbox::str;

const URL_TOKEN: &str = "u7-url-token-9f2c";
const BEARER: &str = "b3-bearer-token-1e8d";
const ENVELOPE: &str = "e5-envelope-token-44aa";

fn tigera() -> Test {
    Test::in_temp().raw_file(
        "filters/tigera.toml",
        &std::fs::read("filters/tigera.toml").unwrap(),
    )
}

/// A payload carrying all three kinds of token in its values.
fn leaky_body() -> String {
    format!(
        r#"{{"status": "firing", "alert_id": "a", "alert_name": "webhook https://x.callgoose.com/v1/process?from=Tigera&token={URL_TOKEN} failed", "description": "retry with Authorization: Bearer {BEARER}", "headers": {{"token": "{ENVELOPE}"}}}}"#
    )
}

/// A firing Tigera body whose title, description and mapping key are the given values.
fn firing(title: &str, description: &str, id: &str) -> Value {
    serde_json::json!({"status": "firing", "alert_name": title, "description": description, "alert_id": id})
}

/// One envelope line carrying `token`.
fn envelope(token: &str, body: &Value) -> String {
    serde_json::json!({"token": token, "body": body}).to_string() + "\n"
}

#[track_caller]
fn assert_hidden(out: &Output, context: &str) {
    for secret in [URL_TOKEN, BEARER, ENVELOPE] {
        assert!(
            !out.stdout.contains(secret),
            "{context}: stdout shows {secret}:\n{}",
            out.stdout
        );
        assert!(
            !out.stderr.contains(secret),
            "{context}: stderr shows {secret}:\n{}",
            out.stderr
        );
    }
}

#[test]
fn tokens_in_payload_values_are_hidden_in_every_check_output() {
    for extra in [
        &["--format", "json"][..],
        &[][..],
        &["--explain"][..],
        &["--explain", "--format", "json"][..],
        &["--full"][..],
    ] {
        let mut args = vec!["check", "-"];
        args.extend_from_slice(extra);
        let out = tigera().args(&args).stdin(leaky_body()).output();
        assert_eq!(out.code, 0, "{extra:?}: {}", out.stderr);
        assert_hidden(&out, &format!("check {extra:?}"));
    }
    let out = tigera()
        .args(&["check", "-", "--format", "json"])
        .stdin(leaky_body())
        .output();
    let line: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(
        line["trigger"]["title"],
        "Tigera - webhook https://x.callgoose.com/v1/process?from=Tigera&token=*** failed"
    );
    assert_eq!(
        line["trigger"]["description"],
        "retry with Authorization: Bearer ***"
    );
}

#[test]
fn envelope_tokens_are_never_shown_by_check_or_replay_even_in_errors() {
    let envelope = format!(
        "{{\"token\": \"{ENVELOPE}\", \"url\": \"https://x/v1/process?token={URL_TOKEN}\", \"headers\": {{\"Authorization\": \"Bearer {BEARER}\"}}, \"body\": {}}}\n{{\"token\": \"{ENVELOPE}\", \"received_at\": \"soon\", \"body\": {{}}}}\n",
        leaky_body()
    );
    for args in [
        &["check", "-"][..],
        &["check", "-", "--format", "json", "--explain"][..],
        &["replay", "-"][..],
        &["replay", "-", "--format", "json", "--token", ENVELOPE][..],
        &["replay", "-", "--diff-filters", "filters", "filters"][..],
    ] {
        let out = tigera().args(args).stdin(&envelope).output();
        assert_eq!(out.code, 2, "{args:?}: the second envelope is broken");
        assert!(
            out.stderr.contains("received_at"),
            "{args:?}: {}",
            out.stderr
        );
        assert_hidden(&out, &format!("{args:?}"));
    }
}

#[test]
fn check_hides_the_token_an_envelope_carries_wherever_its_values_show_it() {
    // A token with no shape around it: only knowing it as the request's token can hide it.
    let token = "c4-plain-token-77e1";
    let line = envelope(
        token,
        &firing(token, &format!("seen {token} twice: {token}"), token),
    );
    let out = tigera()
        .args(&["check", "-", "--format", "json"])
        .stdin(&line)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines[0]["trigger"]["title"], "Tigera - ***");
    assert_eq!(lines[0]["trigger"]["description"], "seen *** twice: ***");
    assert_eq!(lines[0]["trigger"]["map_key"], "***");
    for extra in [
        &[][..],
        &["--explain"][..],
        &["--explain", "--format", "json"][..],
    ] {
        let mut args = vec!["check", "-"];
        args.extend_from_slice(extra);
        let out = tigera().args(&args).stdin(&line).output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{extra:?}");
        assert!(!out.stdout.contains(token), "{extra:?}: {}", out.stdout);
    }
}

#[test]
fn a_token_of_a_quote_a_digit_or_a_json_word_cannot_rewrite_json_output() {
    // Today's byte scanning turned `"number":1` into `"number":***` and `"created":true` into
    // `"***":true`. Masking values before they are serialised cannot touch the syntax.
    let tokens = ["\"", "1", "created", "true", "null", ":", "{", "\\"];
    let stream: String = tokens
        .iter()
        .map(|t| envelope(t, &firing("x", "d", t)))
        .collect();
    for command in ["check", "replay"] {
        let out = tigera()
            .args(&[command, "-", "--format", "json"])
            .stdin(&stream)
            .output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{command}");
        let lines = json_lines(&out.stdout);
        let (open, requests): (Vec<&Value>, Vec<&Value>) = lines
            .iter()
            .filter(|l| l["type"] != "summary")
            .partition(|l| l["type"] == "open_incident");
        // Each incident left open shows its mapping key hidden, as its request did.
        assert!(open.iter().all(|o| o["map_key"] == "***"), "{open:?}");
        assert_eq!(requests.len(), tokens.len(), "{command}: {}", out.stdout);
        for (i, line) in requests.iter().enumerate() {
            // The mapping key is the token as a whole value: hidden; the rest as it is.
            let (key, title, number) = match command {
                "check" => (
                    &line["trigger"]["map_key"],
                    &line["trigger"]["title"],
                    &line["index"],
                ),
                _ => (
                    &line["actions"][0]["trigger"]["map_key"],
                    &line["actions"][0]["trigger"]["title"],
                    &line["number"],
                ),
            };
            assert_eq!(key, "***", "{command} #{i}: {line}");
            assert_eq!(title, "Tigera - x", "{command} #{i}: {line}");
            assert_eq!(number, i + 1, "{command} #{i}: {line}");
        }
    }
    let out = tigera()
        .args(&["replay", "-", "--format", "json"])
        .stdin(&stream)
        .output();
    let summary = json_lines(&out.stdout).pop().unwrap();
    assert_eq!(
        (&summary["created"], &summary["requests"]),
        (&Value::from(8), &Value::from(8)),
        "{summary}"
    );
}

#[test]
fn a_short_token_is_hidden_only_where_it_stands_alone() {
    let out = tigera()
        .args(&["check", "-", "--format", "json"])
        .stdin(envelope("1", &firing("disk 1 of 12 on host-1", "1", "a1")))
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line = &json_lines(&out.stdout)[0]["trigger"];
    assert_eq!(line["title"], "Tigera - disk *** of 12 on host-1");
    assert_eq!(line["description"], "***");
    assert_eq!(line["map_key"], "a1");
}

#[test]
fn a_token_holding_quotes_and_backslashes_is_hidden_in_json_not_only_its_raw_bytes() {
    // JSON escapes the token (`tok\"en\\...`): scanning the output for its raw bytes missed it.
    let token = r#"tok"en\secret-99"#;
    let escaped = &serde_json::to_string(token).unwrap()[1..token.len() + 3];
    let line = envelope(token, &firing(token, &format!("<{token}>"), "a"));
    for command in ["check", "replay"] {
        let out = tigera()
            .args(&[command, "-", "--format", "json"])
            .stdin(&line)
            .output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{command}");
        json_lines(&out.stdout);
        for shown in [token, escaped, "secret-99"] {
            assert!(!out.stdout.contains(shown), "{command}: {}", out.stdout);
        }
        assert!(
            out.stdout.contains(r#""title":"Tigera - ***""#),
            "{}",
            out.stdout
        );
    }
}

#[test]
fn an_unterminated_token_field_hides_the_rest_of_its_value_and_no_more() {
    // Today the mask ran to the end of the output line and swallowed the next record.
    let body = |d: &str| firing("x", d, "a").to_string();
    let stream = format!("{}\n{}\n", body(r#"say "token":"oops, "#), body("next"));
    let out = tigera()
        .args(&["check", "-", "--format", "json"])
        .stdin(stream)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2, "{}", out.stdout);
    assert_eq!(lines[0]["trigger"]["description"], r#"say "token":"***"#);
    assert_eq!(lines[1]["trigger"]["description"], "next");
}

#[test]
fn colour_cannot_split_a_token_out_of_sight() {
    // `--explain` colours the contained items letter by letter; today that split `token=` so that the
    // scanner no longer recognised it, and a terminal showed the token.
    let t = Test::in_temp().file(
        "filters/hooks.toml",
        r#"
        service = "hooks"
        from = "Hooks"
        [[filter]]
        name = "hook"
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "url", contains = ["token"] }]
        title_from = "url"
        map_with = "id"
        "#,
    );
    let out = t
        .args(&["check", "-", "--explain", "--color", "always"])
        .stdin(r#"{"url": "https://x/v1/process?token=q7w8e9r0t1", "id": "1"}"#)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(!out.stdout.contains("q7w8e9r0t1"), "{}", out.stdout);
    assert!(out.stdout.contains("=***"), "{}", out.stdout);
}

#[test]
fn the_ring_bearer_service_stays_as_written() {
    let body = firing(
        "the ring bearer service",
        "bearer bonds and the Bearer of news",
        "a",
    );
    let out = tigera()
        .args(&["check", "-", "--format", "json"])
        .stdin(body.to_string())
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let line = &json_lines(&out.stdout)[0]["trigger"];
    assert_eq!(line["title"], "Tigera - the ring bearer service");
    assert_eq!(line["description"], "bearer bonds and the Bearer of news");
}

#[test]
fn what_a_request_hides_depends_on_the_request_not_on_its_place_in_the_stream() {
    // A's report hides A's token; B's token is B's secret. Today B's token was hidden in A's report
    // only when B came first: the same request showed differently depending on the order.
    let (a, b) = ("tok-aaaa-1111", "tok-bbbb-2222");
    let line_a = envelope(a, &firing(&format!("{a} {b}"), "d", "ka"));
    let line_b = envelope(b, &firing(&format!("{a} {b}"), "d", "kb"));
    let replay = |stream: String| {
        let out = tigera()
            .args(&["replay", "-", "--format", "json"])
            .stdin(stream)
            .output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""));
        json_lines(&out.stdout)
    };
    let title = |l: &Value| l["actions"][0]["trigger"]["title"].clone();
    let ab = replay(line_a.clone() + &line_b);
    let ba = replay(line_b + &line_a);
    assert_eq!(title(&ab[0]), format!("Tigera - *** {b}"));
    assert_eq!(title(&ab[1]), format!("Tigera - {a} ***"));
    assert_eq!(
        (title(&ab[0]), title(&ab[1])),
        (title(&ba[1]), title(&ba[0]))
    );
    // The incidents left open show each with the secrets of the request that opened it.
    let open: Vec<&Value> = ab
        .iter()
        .filter(|l| l["type"] == "open_incident")
        .map(|o| &o["title"])
        .collect();
    assert_eq!(open, [&title(&ab[0]), &title(&ab[1])], "{ab:?}");
}

#[test]
fn a_refused_request_shows_nothing_of_its_token_and_check_hides_it_too() {
    let stale = "tok-stale-31337";
    let stream = envelope("tok-right-0001", &firing("ok", "d", "k1"))
        + &envelope(stale, &firing(stale, stale, stale));
    let out = tigera()
        .args(&["replay", "-", "--token", "tok-right-0001"])
        .stdin(&stream)
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains(
            "#2  <stdin>#2  403 forbidden: the request's API token is none Callgoose knows"
        ),
        "{}",
        out.stdout
    );
    for command in [
        &["check", "-"][..],
        &["check", "-", "--explain", "--format", "json"][..],
    ] {
        let out = tigera().args(command).stdin(&stream).output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""));
        assert!(!out.stdout.contains(stale), "{command:?}: {}", out.stdout);
    }
}

#[test]
fn the_expected_token_is_hidden_wherever_it_turns_up() {
    let body =
        format!("{{\"status\": \"firing\", \"alert_id\": \"a\", \"alert_name\": \"{ENVELOPE}\"}}");
    let out = tigera()
        .args(&["replay", "-", "--envelope", "--token", ENVELOPE])
        .stdin(format!("{{\"token\": \"{ENVELOPE}\", \"body\": {body}}}\n"))
        .output();
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("created incident #1 \"Tigera - ***\""),
        "{}",
        out.stdout
    );
    assert_hidden(&out, "replay --token");
}

#[test]
fn the_words_that_introduce_tokens_count_in_any_case() {
    // Values with no other token-like word near them, so only the mixed-case words give them away.
    let body = r#"{"status": "firing", "alert_id": "a", "alert_name": "hook ?ToKeN=q1w2e3 failed", "description": "retry with authorization: BeArEr z9y8x7"}"#;
    for extra in [&[][..], &["--format", "json"][..]] {
        let mut args = vec!["check", "-"];
        args.extend_from_slice(extra);
        let out = tigera().args(&args).stdin(body).output();
        assert_eq!(out.code, 0, "{extra:?}: {}", out.stderr);
        for secret in ["q1w2e3", "z9y8x7"] {
            assert!(!out.stdout.contains(secret), "{extra:?}: {}", out.stdout);
        }
        assert!(out.stdout.contains("?ToKeN=***"), "{}", out.stdout);
        assert!(out.stdout.contains("BeArEr ***"), "{}", out.stdout);
        assert_eq!(out.stderr, "", "{extra:?}");
    }
}

/// A case file of two cases: `leaky`, whose description carries tokens, and `plain`, both stating
/// `expect` (appended to each).
fn case_file(expect: &str) -> Test {
    let body = leaky_body().replace('\'', "");
    let plain = firing("the ring bearer service", "plain", "p").to_string();
    tigera().file(
        "cases.toml",
        &format!(
            "filters = \"filters/tigera.toml\"\n\n[[case]]\nname = \"leaky\"\nbody = '{body}'\n{expect}\n[[case]]\nname = \"plain\"\nbody = '{plain}'\n{expect}"
        ),
    )
}

#[test]
fn the_junit_report_and_failure_diffs_hide_tokens() {
    let t = case_file("[case.expect]\ndescription = \"something else\"\n");
    let dir = t.dir().to_owned();
    let out = t
        .args(&["test", "cases.toml", "--junit", "report.xml"])
        .output();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("+description = \"retry with Authorization: Bearer ***\""),
        "{}",
        out.stdout
    );
    assert_hidden(&out, "test");
    let junit = std::fs::read_to_string(dir.join("report.xml")).unwrap();
    assert!(junit.contains("Bearer ***"), "{junit}");
    for secret in [URL_TOKEN, BEARER, ENVELOPE] {
        assert!(!junit.contains(secret), "{junit}");
    }
}

#[test]
fn bless_refuses_a_case_whose_values_hold_a_secret_and_blesses_the_others() {
    // Today `--bless` wrote `Bearer ***`, which no run can ever produce: the case failed forever.
    let t = case_file("");
    let dir = t.dir().to_owned();
    let before = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    let out = t.args(&["test", "cases.toml", "--bless"]).output();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "error: cases.toml:3: case \"leaky\" is not blessed: its actual `title` holds the value of a \
         `token=` parameter, and --bless never writes a secret into a case file (nor a mask, which \
         could never pass); state this expectation by hand\n\
         note: blessed cases.toml: 7 values written; review with git diff\n"
    );
    assert!(
        out.stdout.contains("FAIL  cases.toml:3  leaky"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("bless cases.toml:7  plain"),
        "{}",
        out.stdout
    );
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    let (leaky, plain) = blessed.split_once("[[case]]\nname = \"plain\"").unwrap();
    assert_eq!(
        leaky,
        before.split_once("[[case]]\nname = \"plain\"").unwrap().0
    );
    assert!(!blessed.contains("***"), "{blessed}");
    assert!(
        plain.contains("title = \"Tigera - the ring bearer service\""),
        "{plain}"
    );
}

#[test]
fn blessed_values_are_written_as_they_are_and_pass_on_the_next_run() {
    // Today "the ring bearer service" was blessed as "the ring bearer ***", which never passes.
    let body = firing("the ring bearer service", "token budget: 5 tokens", "p").to_string();
    let t = tigera().file(
        "cases.toml",
        &format!(
            "filters = \"filters/tigera.toml\"\n\n[[case]]\nname = \"plain\"\nbody = '{body}'\n"
        ),
    );
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "cases.toml", "--bless"]).output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "note: blessed cases.toml: 7 values written; review with git diff\n"
        )
    );
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    assert!(
        blessed.contains(
            "title = \"Tigera - the ring bearer service\"\ndescription = \"token budget: 5 tokens\""
        ),
        "{blessed}"
    );
    let out = Test::at(&dir).args(&["test", "cases.toml"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
}

#[test]
fn lint_samples_never_show_a_sample_token() {
    let token = "l1-sample-token-5e5e";
    let sample = envelope(
        token,
        &serde_json::json!({"status": "pending", "alert_name": token}),
    );
    for format in ["human", "json"] {
        let out = tigera()
            .file("samples/captured.jsonl", &sample)
            .args(&[
                "lint",
                "filters",
                "--samples",
                "samples",
                "--format",
                format,
            ])
            .output();
        assert!(out.stdout.contains("unhandled-sample"), "{}", out.stdout);
        assert!(
            !out.stdout.contains(token) && !out.stderr.contains(token),
            "{}{}",
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn twenty_thousand_distinct_tokens_replay_in_linear_time() {
    // Today every output line was scanned for every token met so far: 20,000 tokens took a minute.
    let stream: String = (0..20_000)
        .map(|i| {
            envelope(
                &format!("tok-{i:08}-secret"),
                &firing("x", "d", &format!("a{i}")),
            )
        })
        .collect();
    let started = std::time::Instant::now();
    let out = tigera()
        .args(&["replay", "-", "--format", "json"])
        .stdin(stream)
        .output();
    let took = started.elapsed();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    // A line per request, one per incident left open, the summary.
    assert_eq!(out.stdout.lines().count(), 40_001);
    // Linear work takes well under a second; the bound leaves room for a slow shared machine.
    assert!(took.as_secs() < 20, "took {took:?}");
}

#[test]
fn an_empty_token_is_a_usage_error_naming_the_flag() {
    Test::new()
        .args(&["replay", "samples/replay/troubles.jsonl", "--token", ""])
        .expect(2, str![""], str![[r#"
error: invalid value '' for '--token <[SERVICE=]SECRET>': the token is empty (an unset variable, as in --token "$TOKEN", gives an empty one); give a token Callgoose knows, or leave --token out not to check tokens

For more information, try '--help'.

"#]]);
    // A CI secret that is not defined leaves SQIBS_TOKEN set and empty, or blank.
    for blank in ["", " \n"] {
        Test::new()
            .args(&["replay", "samples/replay/troubles.jsonl"])
            .env("SQIBS_TOKEN", blank)
            .expect(2, str![""], str![[r#"
error: SQIBS_TOKEN is set but holds no token (a CI secret that is not defined gives an empty one): give the tokens Callgoose knows, separated by white space, or unset it to replay without checking tokens

"#]]);
    }
}

#[test]
fn the_readme_replay_example_runs_as_written() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let (_, example) = readme
        .split_once("```console\n$ sqibs-filter replay ")
        .unwrap();
    let (command, shown) = example.split_once('\n').unwrap();
    let (shown, _) = shown.split_once("```").unwrap();
    let args: Vec<&str> = std::iter::once("replay")
        .chain(command.split_whitespace())
        .collect();
    let out = Test::new().args(&args).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{command}");
    // Every line the README shows is a line of the output ("..." stands for the lines left out).
    for line in shown.lines().filter(|l| l.trim() != "...") {
        assert!(
            out.stdout.lines().any(|l| l == line),
            "README line not in the output: {line:?}\n{}",
            out.stdout
        );
    }
}
