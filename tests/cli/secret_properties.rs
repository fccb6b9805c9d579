//! Properties of secret masking over generated bodies and tokens (proptest): whatever a request holds
//! and whatever its token is (`"`, `\`, digits, JSON words, escapes, short or long), every line of
//! `--format json` output of `check`, `replay` and `test` is exactly one JSON value, and no known secret
//! shows in any output stream, the JUnit report or a blessed case file.
//!
//! "Shows", as the README's rule states it: a secret of 8 characters or more must not occur anywhere in
//! a value, nor in human output (raw, or as a terminal or JSON escapes it); a shorter one must not be a
//! whole value or stand alone in one (bounded by characters a token cannot hold). In JSON output every
//! string is checked except those the tool writes itself (names of inputs, kinds, verdicts, urgencies).
//! The known secrets are the run's `--token`, the token the envelope carries as the tool reads it, and a
//! credential planted only in the shapes the README lists (`Bearer`, `token=`, a `"token"` field); the
//! last is the only secret of `test`, whose cases carry no token. Runs are in-process, for speed.

use clap::Parser;
use proptest::prelude::*;
use serde_json::{Value, json};
use sqibs_filter::cli::Args;
use sqibs_filter::envelope;
use sqibs_filter::sanitize;
use sqibs_filter::settings::Environment;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Tokens that broke byte scanning, and the kinds of text around values.
const HOSTILE: [&str; 22] = [
    "\"",
    "\\",
    "1",
    "0",
    "42",
    "true",
    "false",
    "null",
    "created",
    ":",
    "{",
    "}",
    "[",
    ",",
    "-",
    " ",
    "\\\"",
    "id",
    "a",
    "firing",
    "Tigera",
    "\u{1b}[31m-red-token",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&HOSTILE[..]).prop_map(str::to_owned),
        // Printable, but never `*`: a secret made of the mask's own characters cannot be told from it.
        "[ -)+-~]{1,7}",
        "[A-Za-z0-9._~+/=-]{8,40}",
        "[ -)+-~]{8,24}",
    ]
}

/// A realistic credential, only ever sent in a shape that marks it as one.
fn credential() -> impl Strategy<Value = String> {
    "[a-z]{2}[0-9][A-Za-z0-9._~+/-]{5,30}"
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,8}", inner), 0..4)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// A value of the body: the token or the credential in every position and shape, or anything.
fn value(token: String, credential: String) -> impl Strategy<Value = Value> {
    let forms = vec![
        token.clone(),
        format!("before {token} after"),
        format!("x{token}y"),
        format!("{token}{token}"),
        format!("Authorization: Bearer {credential}"),
        format!("https://x.callgoose.com/v1/process?from=A&token={credential}&b=1"),
        json!({"token": credential}).to_string(),
        json!({"api_token": credential, "token": token}).to_string(),
        serde_json::to_string(&json!({"d": {"token": credential}}).to_string()).unwrap(),
    ];
    prop_oneof![
        3 => prop::sample::select(forms).prop_map(Value::from),
        1 => any_json(),
    ]
}

/// How the request carries its token.
#[derive(Debug, Clone, Copy)]
enum Carrier {
    Bare,
    Field,
    Url,
    Header,
}

#[derive(Debug, Clone)]
struct Input {
    token: String,
    credential: String,
    carrier: Carrier,
    /// The envelope lines (or bare bodies), each a body of the same request shape.
    bodies: Vec<Value>,
    /// `replay --token`: none, the request's token, or another.
    expected: Option<String>,
}

fn input() -> impl Strategy<Value = Input> {
    (token(), credential()).prop_flat_map(|(token, credential)| {
        let body = (
            prop::sample::select(vec!["firing", "FIRING", "resolved", "closed", "pending"]),
            prop::collection::vec(value(token.clone(), credential.clone()), 8),
            prop::collection::vec(("[a-z]{1,6}", any_json()), 0..3),
        )
            .prop_map(|(status, v, extra)| {
                let mut body = json!({
                    "status": status, "alert_name": v[0], "description": v[1], "alert_id": v[2],
                    "title": v[3], "message": v[4], "eventId": v[5], "labels": {"a": v[6]}, "note": v[7],
                });
                for (k, x) in extra {
                    body[format!("x_{k}")] = x;
                }
                body
            });
        (
            Just(token.clone()),
            Just(credential),
            prop::sample::select(vec![
                Carrier::Bare,
                Carrier::Field,
                Carrier::Url,
                Carrier::Header,
            ]),
            prop::collection::vec(body, 1..3),
            prop_oneof![
                Just(None),
                Just(Some(token.clone())),
                "[a-z]{4}-[0-9]{6}".prop_map(Some)
            ],
        )
            .prop_map(|(token, credential, carrier, bodies, expected)| Input {
                token,
                credential,
                carrier,
                bodies,
                expected,
            })
    })
}

impl Input {
    fn line(&self, body: &Value) -> Value {
        let t = &self.token;
        match self.carrier {
            Carrier::Bare => body.clone(),
            Carrier::Field => json!({"token": t, "body": body}),
            Carrier::Url => {
                let encoded: String = t.bytes().map(|b| format!("%{b:02X}")).collect();
                json!({"url": format!("https://x/v1/process?token={encoded}"), "body": body})
            }
            Carrier::Header => {
                json!({"headers": {"Authorization": format!("Bearer {t}")}, "body": body})
            }
        }
    }

    fn stream(&self) -> String {
        self.bodies
            .iter()
            .map(|b| self.line(b).to_string() + "\n")
            .collect()
    }

    /// The token the request carries, as the tool reads it.
    fn carried(&self) -> Option<String> {
        let line = self.line(&self.bodies[0]);
        envelope::looks_like_envelope(&line)
            .then(|| envelope::open(&line).ok()?.token)
            .flatten()
            .filter(|t| !t.is_empty())
    }
}

struct Run {
    code: u8,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let args = Args::try_parse_from(std::iter::once("sqibs-filter").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = sqibs_filter::run(args, &Environment::default(), &mut out, &mut err);
    Run {
        code: status.code(),
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

/// A service whose conditions read the values that hold secrets, so that `--explain` shows (and
/// colours) them, and whose missing key draws hints.
const PROBE: &str = r#"
service = "probe"
from = "Probe"

[[filter]]
name = "probe"
urgency = "low"

[filter.trigger]
conditions = [{ key = "alert_name", contains = ["t"] }, { key = "labels.A", contains = ["a"] }]
title_from = "message"
description_from = "note"
map_with = "labels.a"

[filter.resolve]
conditions = [{ key = "description", contains = ["o"] }]
mapped_with = "eventId"

[semantics]
conditions = "any"
"#;

/// A fresh folder with the shipped filters and the probe in it.
fn workspace() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("secret-props-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("filters")).unwrap();
    for name in ["tigera.toml", "sedai.toml"] {
        std::fs::copy(
            Path::new("filters").join(name),
            dir.join("filters").join(name),
        )
        .unwrap();
    }
    std::fs::write(dir.join("filters/probe.toml"), PROBE).unwrap();
    dir
}

/// Whether `secret` shows in the value `text`, by the README's rule: every start is tried, so that
/// overlapping occurrences count.
fn shows_in_value(secret: &str, text: &str) -> bool {
    if secret.chars().count() >= 8 {
        return text.contains(secret);
    }
    let token_char = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    (0..text.len())
        .filter(|at| text.is_char_boundary(*at) && text[*at..].starts_with(secret))
        .any(|at| {
            let before = text[..at].chars().next_back();
            let after = text[at + secret.len()..].chars().next();
            !before.is_some_and(token_char) && !after.is_some_and(token_char)
        })
}

/// The strings the tool writes itself, and the names of inputs and cases.
const OWN: [&str; 10] = [
    "input", "name", "file", "type", "kind", "verdict", "urgency", "action", "reading", "status",
];

/// The first string value of JSON output where `secret` shows.
fn shown_in_json(secret: &str, value: &Value, key: &str) -> Option<String> {
    match value {
        Value::String(s) if !OWN.contains(&key) && shows_in_value(secret, s) => Some(s.clone()),
        Value::Array(items) => items.iter().find_map(|v| shown_in_json(secret, v, key)),
        Value::Object(map) => map.iter().find_map(|(k, v)| shown_in_json(secret, v, k)),
        _ => None,
    }
}

/// Human output with its colours taken out, so that colour cannot hide a secret from the check.
fn without_colour(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Checks every line of JSON output, and that no long secret shows in the text in any escaping.
fn check_output(
    what: &str,
    text: &str,
    json: bool,
    secrets: &[String],
) -> Result<(), TestCaseError> {
    for line in text.lines().filter(|_| json) {
        let value: Value = serde_json::from_str(line).map_err(|e| {
            TestCaseError::fail(format!("{what}: not one JSON value ({e}): {line}"))
        })?;
        for s in secrets {
            if let Some(shown) = shown_in_json(s, &value, "") {
                return Err(TestCaseError::fail(format!(
                    "{what}: {s:?} shows in {shown:?}"
                )));
            }
        }
    }
    let text = without_colour(text);
    for s in secrets.iter().filter(|s| s.chars().count() >= 8) {
        let json_escaped = serde_json::to_string(s).unwrap();
        for form in [
            s.clone(),
            sanitize::escape(s, false),
            json_escaped[1..json_escaped.len() - 1].to_owned(),
        ] {
            prop_assert!(
                !text.contains(&form),
                "{}: {:?} shows:\n{}",
                what,
                form,
                text
            );
        }
    }
    Ok(())
}

/// `check` and `replay` in every format on the stream.
fn check_and_replay(input: &Input) -> Result<(), TestCaseError> {
    let dir = workspace();
    let stream = dir.join("traffic.jsonl");
    std::fs::write(&stream, input.stream()).unwrap();
    let (filters, stream) = (
        dir.join("filters").display().to_string(),
        stream.display().to_string(),
    );
    let mut secrets: Vec<String> = input.carried().into_iter().collect();
    secrets.push(input.credential.clone());
    let base = ["--filters", filters.as_str()];
    let runs: [(&str, &[&str], bool); 5] = [
        ("check", &["--format", "json"], true),
        ("check", &["--format", "json", "--explain"], true),
        (
            "check",
            &["--explain", "--full", "--color", "always"],
            false,
        ),
        ("replay", &["--format", "json"], true),
        ("replay", &[], false),
    ];
    for (command, extra, json) in runs {
        let mut args = vec![command, stream.as_str()];
        args.extend(base);
        args.extend(extra);
        let mut known = secrets.clone();
        // `--token=VALUE`: a token may start with `-`, which clap would take for a flag.
        let token_arg = input.expected.as_ref().map(|t| format!("--token={t}"));
        if let (Some(expected), Some(arg), "replay") = (&input.expected, &token_arg, command) {
            args.push(arg.as_str());
            known.push(expected.clone());
        }
        let out = run(&args);
        prop_assert!(out.code < 2, "{:?}: {}", args, out.stderr);
        check_output(&format!("{args:?} stdout"), &out.stdout, json, &known)?;
        check_output(&format!("{args:?} stderr"), &out.stderr, false, &known)?;
    }
    Ok(())
}

/// `test` with a failing case (diffs, JUnit), then `--bless` of a case that states nothing: it is
/// refused or writes values that pass on the next run, and no blessed value holds the credential.
fn test_and_bless(input: &Input) -> Result<(), TestCaseError> {
    let dir = workspace();
    std::fs::write(dir.join("body.json"), input.bodies[0].to_string()).unwrap();
    let cases = |expect: &str| {
        format!(
            "filters = \"filters/probe.toml\"\n\n[[case]]\nname = \"c\"\npayload = \"body.json\"\n{expect}"
        )
    };
    let file = dir.join("cases.toml");
    let (file_arg, junit) = (
        file.display().to_string(),
        dir.join("report.xml").display().to_string(),
    );
    let secrets = [input.credential.clone()];
    std::fs::write(
        &file,
        cases("[case.expect]\ntitle = \"x\"\ndescription = \"y\"\n"),
    )
    .unwrap();
    for format in ["json", "human"] {
        let out = run(&["test", &file_arg, "--format", format, "--junit", &junit]);
        prop_assert!(out.code == 1, "test: {}{}", out.stdout, out.stderr);
        check_output("test stdout", &out.stdout, format == "json", &secrets)?;
        check_output("test stderr", &out.stderr, false, &secrets)?;
        let report = std::fs::read_to_string(&junit).unwrap();
        check_output("junit", &report, false, &secrets)?;
    }
    std::fs::write(&file, cases("")).unwrap();
    let out = run(&["test", &file_arg, "--bless"]);
    check_output("bless stdout", &out.stdout, false, &secrets)?;
    check_output("bless stderr", &out.stderr, false, &secrets)?;
    let blessed = std::fs::read_to_string(&file).unwrap();
    if out.code == 0 {
        let doc: toml::Table = toml::from_str(&blessed).unwrap();
        let expect = doc["case"].as_array().unwrap()[0]["expect"].to_string();
        prop_assert!(!expect.contains(&input.credential), "blessed: {}", blessed);
        let again = run(&["test", &file_arg]);
        prop_assert_eq!(
            again.code,
            0,
            "blessed values fail:\n{}\n{}",
            blessed,
            again.stdout
        );
    } else {
        prop_assert!(
            out.code == 1 && out.stderr.contains("\"c\" is not blessed"),
            "bless: {}{}",
            out.stdout,
            out.stderr
        );
        prop_assert_eq!(blessed, cases(""));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn no_secret_shows_and_json_output_stays_json(input in input()) {
        check_and_replay(&input)?;
        test_and_bless(&input)?;
    }
}

#[test]
fn the_rule_of_the_check_is_the_readme_rule() {
    assert!(shows_in_value("1", "1") && shows_in_value("1", "a 1,"));
    assert!(
        !shows_in_value("1", "201") && !shows_in_value("1", "a-1") && !shows_in_value("1", "a 1.")
    );
    assert!(shows_in_value("a a", "ba a a"));
    assert!(shows_in_value("secret-99", "xsecret-99y"));
    assert_eq!(without_colour("\u{1b}[1;31mab\u{1b}[0mc"), "abc");
}
