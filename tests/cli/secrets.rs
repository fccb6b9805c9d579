//! Tokens never appear in any output: URL `token=` parameters, `Authorization: Bearer` values and
//! envelope `token` fields, in human and JSON output, error messages, the JUnit report and blessed files.

use crate::support::{Output, Test};

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
    let line: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
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

/// A case whose expected description differs from a description that carries tokens.
fn case_with_leaky_description(expect: &str) -> Test {
    let body = leaky_body().replace('\'', "");
    tigera().file(
        "cases.toml",
        &format!(
            "filters = \"filters/tigera.toml\"\n\n[[case]]\nname = \"leaky\"\nbody = '{body}'\n{expect}"
        ),
    )
}

#[test]
fn the_junit_report_and_failure_diffs_hide_tokens() {
    let t = case_with_leaky_description("[case.expect]\ndescription = \"something else\"\n");
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
fn blessed_files_hide_tokens_but_keep_the_case_itself() {
    let t = case_with_leaky_description("");
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "cases.toml", "--bless"]).output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    let (case, expect) = blessed.split_once("[case.expect]").unwrap();
    // The body the case sends is the user's own text and stays as written.
    assert!(case.contains(BEARER));
    for secret in [URL_TOKEN, BEARER, ENVELOPE] {
        assert!(!expect.contains(secret), "{expect}");
    }
    assert!(
        expect.contains("description = \"retry with Authorization: Bearer ***\""),
        "{expect}"
    );
}
