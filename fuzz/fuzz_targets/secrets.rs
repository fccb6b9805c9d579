//! Fuzzes secret masking: the first line of the input is a request's token, the rest its body (JSON
//! when it parses, else the body's text). The request goes through `check` and `replay` in JSON, in
//! an envelope carrying the token; every output line must be exactly one JSON value, and the token
//! must not show in any string value (the README's rule: anywhere when it has 8 characters or more,
//! else as a whole value or standing alone), but in the tool's own words and input names.
#![no_main]

use clap::Parser;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use sqibs_filter::cli::Args;
use sqibs_filter::settings::Environment;
use std::path::PathBuf;
use std::sync::OnceLock;

/// One folder per fuzzing process, holding the traffic file it rewrites for every input.
fn traffic() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sqibs-fuzz-secrets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("traffic.jsonl")
    })
}

const OWN: [&str; 10] = [
    "input", "name", "file", "type", "kind", "verdict", "urgency", "action", "reading", "status",
];

fn shows(secret: &str, text: &str) -> bool {
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

fn assert_hidden(secret: &str, value: &Value, key: &str) {
    match value {
        Value::String(s) if !OWN.contains(&key) => {
            assert!(!shows(secret, s), "{secret:?} shows in {s:?}")
        }
        Value::Array(items) => items.iter().for_each(|v| assert_hidden(secret, v, key)),
        Value::Object(map) => map.iter().for_each(|(k, v)| assert_hidden(secret, v, k)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (token, body) = text.split_once('\n').unwrap_or((&text, ""));
    // The mask's own characters cannot be told from it.
    if token.is_empty() || token.contains('*') {
        return;
    }
    let body = serde_json::from_str::<Value>(body).unwrap_or_else(|_| Value::from(body));
    let line = json!({"token": token, "body": body}).to_string();
    std::fs::write(traffic(), format!("{line}\n")).unwrap();
    let path = traffic().display().to_string();
    let filters = concat!(env!("CARGO_MANIFEST_DIR"), "/../filters");
    for args in [
        &["check", "--format", "json"][..],
        &["check", "--format", "json", "--explain"][..],
        &["replay", "--format", "json"][..],
    ] {
        let args = Args::try_parse_from(["sqibs-filter"].iter().chain(args).chain(&[
            path.as_str(),
            "--filters",
            filters,
        ]))
        .unwrap();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        sqibs_filter::run(args, &Environment::default(), &mut out, &mut err);
        for line in String::from_utf8(out).unwrap().lines() {
            let value: Value = serde_json::from_str(line).expect("one JSON value per line");
            assert_hidden(token, &value, "");
        }
        if token.chars().count() >= 8 {
            assert!(!String::from_utf8_lossy(&err).contains(token));
        }
    }
});
