//! `check` on a pool of workers (`--jobs N`) against `--jobs 1`, which checks bodies one by one as they
//! are read: the same bytes on standard output and standard error, and the same exit code, on a
//! generated corpus with broken bodies, envelopes, text bodies, huge bodies and several inputs, in
//! both formats, coloured or not.

use crate::fast_path::generate;
use crate::support::Test;
use std::path::Path;

/// Lines that are not plain bodies, put among the generated ones: broken bodies of each kind, two
/// bodies on a line, an array, envelopes (one with a token, one whose body is broken), invalid UTF-8
/// and a pretty-printed body.
fn odd_lines(n: usize, body: &[u8]) -> Vec<u8> {
    let envelope = |token: &str| {
        let mut line = format!(
            "{{\"received_at\":\"2024-05-01T10:00:00Z\",\"from\":\"tigera\",\"token\":\"{token}\",\"body\":"
        )
        .into_bytes();
        line.extend_from_slice(body);
        line.extend_from_slice(b"}");
        line
    };
    match n % 9 {
        0 => b"{\"status\": }".to_vec(),
        1 => b"not json at all".to_vec(),
        2 => b"{\"status\":\"firing\"}{\"status\":\"resolved\"}".to_vec(),
        3 => b"[1, 2".to_vec(),
        4 => envelope("s3cr3t-t0ken-value"),
        5 => b"{\"body\": \"{not json\", \"from\": \"x\"}".to_vec(),
        6 => b"{\"status\": \"firing\", \"title\": \"\xff\xfe\"}".to_vec(),
        7 => {
            b"{\n  \"status\": \"resolved\",\n  \"labels\": {\"alertname\": \"Pretty\"}\n}".to_vec()
        }
        _ => b"[{\"status\": \"firing\"}]".to_vec(),
    }
}

/// Writes the inputs into `dir` and returns them as arguments, in order.
fn corpus(dir: &Path, bodies: u64) -> Vec<String> {
    let mut generated = Vec::new();
    generate::write(bodies, false, &mut generated).unwrap();
    let mut mixed = Vec::new();
    for (i, line) in generated.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        mixed.extend_from_slice(line);
        mixed.push(b'\n');
        if i % 37 == 5 {
            mixed.extend_from_slice(&odd_lines(i / 37, line));
            mixed.push(b'\n');
        }
    }
    // Unfinished at the end: cut again by the recovery rule.
    mixed.extend_from_slice(b"{\"status\": \"firing\", \"labels\": {\n");
    std::fs::write(dir.join("mixed.jsonl"), &mixed).unwrap();
    let mut pretty = Vec::new();
    generate::write(bodies / 4, true, &mut pretty).unwrap();
    std::fs::write(dir.join("pretty.json"), &pretty).unwrap();
    std::fs::write(
        dir.join("single.json"),
        b"{\"status\": \"firing\", \"labels\": {\"alertname\": \"One\"}}\n",
    )
    .unwrap();
    std::fs::write(dir.join("text.json"), b"disk full on db-1\nplease look\n").unwrap();
    std::fs::write(dir.join("empty.json"), b"").unwrap();
    // Bodies larger than a batch's mebibyte, among small ones.
    let long = "x".repeat(3 << 19);
    let big = format!(
        "{{\"status\":\"firing\",\"a\":1}}\n{{\"status\":\"firing\",\"description\":\"{long}\"}}\n{{\"b\":2}}\n{{\"status\":\"resolved\",\"description\":\"{long}\"}}\n"
    );
    std::fs::write(dir.join("big.jsonl"), big).unwrap();
    std::fs::create_dir_all(dir.join("folder")).unwrap();
    std::fs::write(
        dir.join("folder/a.ndjson"),
        &generated[..generated.len() / 3],
    )
    .unwrap();
    std::fs::write(
        dir.join("folder/b.json"),
        b"{\"status\": \"firing\"}\n[oops\n",
    )
    .unwrap();
    [
        "missing.jsonl",
        "mixed.jsonl",
        "single.json",
        "text.json",
        "empty.json",
        "big.jsonl",
        "pretty.json",
        "folder",
    ]
    .map(String::from)
    .to_vec()
}

/// Runs `check` with `jobs` workers and `extra` arguments; returns the exit code and both outputs.
fn check(dir: &Path, inputs: &[String], jobs: &str, extra: &[&str]) -> (i32, String, String) {
    let filters = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/filters");
    let mut args = vec!["check", "--filters", filters, "--jobs", jobs];
    args.extend(extra);
    args.extend(inputs.iter().map(String::as_str));
    let out = Test::at(dir).args(&args).output();
    (out.code, out.stdout, out.stderr)
}

#[test]
fn any_number_of_workers_writes_the_same_bytes_as_one() {
    let test = Test::in_temp();
    let dir = test.dir().to_owned();
    let inputs = corpus(&dir, 2_000);
    for format in ["human", "json"] {
        for color in ["never", "always"] {
            let extra = ["--format", format, "--color", color];
            let one = check(&dir, &inputs, "1", &extra);
            assert_eq!(
                one.0, 2,
                "{format} {color}: something is skipped\n{}",
                one.2
            );
            assert!(
                one.1.len() > 1 << 20,
                "{format} {color}: a report of every body"
            );
            assert!(one.2.contains("missing.jsonl") && one.2.contains("empty"));
            for jobs in ["2", "3", "16"] {
                let many = check(&dir, &inputs, jobs, &extra);
                assert_eq!(many.0, one.0, "{format} {color} --jobs {jobs}: exit code");
                assert!(
                    many.1 == one.1,
                    "{format} {color} --jobs {jobs}: standard output differs"
                );
                assert_eq!(
                    many.2, one.2,
                    "{format} {color} --jobs {jobs}: standard error"
                );
            }
        }
    }
}

#[test]
fn traces_and_whole_descriptions_are_the_same_with_workers() {
    let test = Test::in_temp();
    let dir = test.dir().to_owned();
    let inputs = corpus(&dir, 300);
    for format in ["human", "json"] {
        let extra = ["--format", format, "--explain", "--full"];
        let one = check(&dir, &inputs, "1", &extra);
        let many = check(&dir, &inputs, "4", &extra);
        assert_eq!(many.0, one.0, "{format}: exit code");
        assert!(many.1 == one.1, "{format}: standard output differs");
        assert_eq!(many.2, one.2, "{format}: standard error");
    }
}

#[test]
fn no_input_at_all_is_the_same_with_workers() {
    let test = Test::in_temp();
    let dir = test.dir().to_owned();
    std::fs::write(dir.join("empty.json"), b"").unwrap();
    let inputs = ["empty.json".to_owned()];
    for format in ["human", "json"] {
        let extra = ["--format", format];
        assert_eq!(
            check(&dir, &inputs, "3", &extra),
            check(&dir, &inputs, "1", &extra)
        );
    }
}
