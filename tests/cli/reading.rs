//! Reading inputs: a file that is one JSON value is one request however it is indented, recovery from
//! broken bodies only where the input does not parse, lone surrogates read alike by every command, the
//! per-body limit, FIFOs, readers that go away early, and what big inputs cost in memory.

use crate::support::{Output, Test, json_lines, peak_memory};
use snapbox::str;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

/// A folder with the Tigera filters, for commands on files written into it.
fn tigera() -> Test {
    Test::in_temp().raw_file(
        "filters/tigera.toml",
        &std::fs::read("filters/tigera.toml").unwrap(),
    )
}

/// As `json.dumps(body, indent=0)` writes it: every nested line starts in column 0.
const COLUMN_0: &str = r#"{
"status": "firing",
"alert_id": "a-1",
"alerts": [
{
"labels": {
"severity": "critical"
}
},
[
1,
{"x": [2]}
]
]
}
"#;

#[test]
fn a_pretty_body_whose_nested_lines_start_in_column_0_is_one_request() {
    let out = tigera()
        .raw_file("in.json", COLUMN_0.as_bytes())
        .args(&["check", "in.json", "--format", "json"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert_eq!(
        (&lines[0]["input"], &lines[0]["index"], &lines[0]["code"]),
        (&"in.json".into(), &1.into(), &201.into())
    );
    // Two of them back to back are two requests, and nothing is broken.
    let out = tigera()
        .raw_file("in.json", format!("{COLUMN_0}{COLUMN_0}").as_bytes())
        .args(&["check", "in.json", "--format", "json"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let seen: Vec<_> = json_lines(&out.stdout)
        .iter()
        .map(|l| (l["index"].as_u64().unwrap(), l["code"].as_u64().unwrap()))
        .collect();
    assert_eq!(seen, [(1, 201), (2, 201)]);
    assert_eq!(
        json_lines(&out.stdout)[0]["trigger"]["description"],
        COLUMN_0.trim_end()
    );
}

#[test]
fn a_truncated_line_is_recovered_from_and_the_lines_after_it_are_evaluated() {
    let input = "{\"status\": \"firing\", \"alert_id\": [\"a\",\n{\"status\": \"firing\", \"alert_id\": \"b\"}\n{\"status\": \"resolved\", \"alert_id\": \"b\"}\n";
    let out = tigera()
        .raw_file("in.jsonl", input.as_bytes())
        .args(&["check", "in.jsonl", "--format", "json"])
        .output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: in.jsonl#1: line 1, column 38: EOF while parsing a value: the body is skipped\n"
        )
    );
    let codes: Vec<_> = json_lines(&out.stdout)
        .iter()
        .map(|l| (l["index"].as_u64().unwrap(), l["code"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, [(2, 201), (3, 200)]);
}

/// A body whose title and mapping key hold lone surrogate escapes.
const SURROGATES: &str = r#"{"status": "firing", "alert_id": "a\ud83d", "alert_name": "Disk \udc00 full", "description": "d"}"#;

#[test]
fn lone_surrogates_read_as_the_replacement_character_in_every_command() {
    let t = || tigera().raw_file("in.json", SURROGATES.as_bytes());
    let out = t().args(&["check", "in.json", "--format", "json"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let trigger = &json_lines(&out.stdout)[0]["trigger"];
    assert_eq!(trigger["title"], "Tigera - Disk \u{fffd} full");
    assert_eq!(trigger["map_key"], "a\u{fffd}");

    let out = t().args(&["check", "in.json", "--explain"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout
            .contains("title        Tigera - Disk \u{fffd} full"),
        "{}",
        out.stdout
    );

    let out = t()
        .args(&["replay", "in.json", "--format", "json"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains("\"Tigera - Disk \u{fffd} full\""),
        "{}",
        out.stdout
    );

    let out = t()
        .args(&["lint", "filters/tigera.toml", "--samples", "in.json"])
        .output();
    assert!(!out.stdout.contains("unhandled-sample"), "{}", out.stdout);
    assert!(!out.stdout.contains("fires-on-no-sample"), "{}", out.stdout);

    t().file(
        "cases.toml",
        r#"
        filters = "filters/tigera.toml"

        [[case]]
        name = "lone surrogates"
        payload = "in.json"

        [case.expect]
        code = 201
        title = "Tigera - Disk \uFFFD full"
        map_key = "a\uFFFD"
        "#,
    )
    .args(&["test", "cases.toml", "--format", "json"])
    .output()
    .stdout
    .lines()
    .for_each(|l| assert!(!l.contains("\"fail\""), "{l}"));
}

#[test]
fn max_body_refuses_a_longer_body_and_reads_the_other_inputs() {
    let long = format!(
        r#"{{"status": "firing", "alert_id": "a", "description": "{}"}}"#,
        "x".repeat(2000)
    );
    let out = tigera()
        .raw_file("big.json", long.as_bytes())
        .raw_file("small.json", br#"{"status": "firing", "alert_id": "b"}"#)
        .args(&[
            "check",
            "big.json",
            "small.json",
            "--max-body",
            "1KB",
            "--format",
            "json",
        ])
        .output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: big.json: line 1: the line is longer than --max-body (1 KB): the rest of the input is skipped; raise --max-body to read it\n"
        )
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (&lines[0]["input"], &lines[0]["code"]),
        (&"small.json".into(), &201.into())
    );
    // The same body, pretty: the body is what is too long.
    let pretty = long.replace(", ", ",\n  ");
    tigera()
        .raw_file("big.json", pretty.as_bytes())
        .args(&["check", "big.json", "--max-body", "1024"])
        .expect(
            2,
            str![[r#"
0 requests, 1 service: 0 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
            str![[r#"
error: big.json: line 1, column 1: the body starting here is longer than --max-body (1 KiB): the rest of the input is skipped; raise --max-body to read it

"#]],
        );
    for command in [
        &["check", "x.json"][..],
        &["replay", "x.json"],
        &["lint", "--samples", "x.json"],
    ] {
        let out = tigera()
            .args(command)
            .args(&["--max-body", "12parsecs"])
            .output();
        assert_eq!(out.code, 2, "{command:?}");
        assert!(
            out.stderr.contains(
                "invalid value '12parsecs' for '--max-body <SIZE>': `12parsecs` is not a size: write a whole number of bytes, optionally with a unit (KB, MB, GB, KiB, MiB, GiB), such as 256MB or 1GiB"
            ),
            "{}",
            out.stderr
        );
    }
    let out = tigera()
        .args(&["replay", "big.json", "--max-body", "0"])
        .output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("the size must be at least 1 byte"),
        "{}",
        out.stderr
    );
}

#[test]
fn max_body_is_documented_in_help() {
    for command in ["check", "replay", "lint"] {
        let out = Test::new().args(&[command, "--help"]).output();
        assert!(
            out.stdout.contains("--max-body <SIZE>") && out.stdout.contains("[default: 256MiB]"),
            "{command}: {}",
            out.stdout
        );
    }
}

#[test]
fn dev_zero_as_a_json_file_ends_with_a_clean_error_in_bounded_memory() {
    let t = tigera();
    std::os::unix::fs::symlink("/dev/zero", t.dir().join("zero.json")).unwrap();
    let dir = t.dir().to_owned();
    t.args(&["check", "zero.json", "--max-body", "1MiB"]).expect(
        2,
        str![[r#"
0 requests, 1 service: 0 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
        str![[r#"
error: zero.json: line 1: the line is longer than --max-body (1 MiB): the rest of the input is skipped; raise --max-body to read it

"#]],
    );
    // Under the default limit: 256 MiB held at most, then the same error.
    let (code, peak) = peak_memory(&dir, &["check", "zero.json"]);
    assert_eq!(code, 2);
    assert!(peak < 400, "peak memory {peak} MiB");
}

/// Runs `args` with standard input fed `chunk` over and over until the binary stops reading it, and
/// returns its exit code, output and errors.
fn endless_stdin(dir: &std::path::Path, args: &[&str], chunk: &'static [u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sqibs-filter"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || while stdin.write_all(chunk).is_ok() {});
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn an_endless_bracket_stream_ends_with_a_clean_error() {
    let t = tigera();
    for (chunk, error) in [
        (
            &b"[[[[[[[["[..],
            "<stdin>: line 1: the line is longer than --max-body (64 KiB)",
        ),
        (
            b"[\n",
            "<stdin>: line 1, column 1: the body starting here is longer than --max-body (64 KiB)",
        ),
    ] {
        let out = endless_stdin(t.dir(), &["check", "-", "--max-body", "64KiB"], chunk);
        assert_eq!(out.code, 2);
        assert_eq!(
            out.stderr,
            format!(
                "error: {error}: the rest of the input is skipped; raise --max-body to read it\n"
            )
        );
    }
}

/// Runs `test` on a thread and fails, instead of hanging, when it takes longer than `limit`.
fn within(limit: Duration, test: Test) -> Output {
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || send.send(test.output()));
    receive
        .recv_timeout(limit)
        .expect("the run hangs: it did not end in time")
}

fn mkfifo(path: &std::path::Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success());
}

#[test]
fn a_fifo_in_a_folder_is_skipped_with_a_note_and_one_named_is_read() {
    let t = tigera().file("in/a.json", r#"{"status": "firing", "alert_id": "a"}"#);
    let dir = t.dir().to_owned();
    mkfifo(&dir.join("in/pipe.json"));
    let out = within(
        Duration::from_secs(60),
        t.args(&["check", "in", "--format", "json"]),
    );
    assert_eq!(
        (out.code, out.stderr.as_str(), out.stdout.lines().count()),
        (
            0,
            "note: in/pipe.json is skipped: it is a FIFO, not a regular file; name it on the command line to read it\n",
            1
        )
    );
    // Named on the command line, a FIFO is read (`check <(zcat traffic.gz)`).
    let fifo = dir.join("in/pipe.json");
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
        w.write_all(br#"{"status": "resolved", "alert_id": "a"}"#)
            .unwrap();
    });
    let out = within(
        Duration::from_secs(60),
        Test::at(&dir).args(&["check", "in/pipe.json", "--format", "json"]),
    );
    writer.join().unwrap();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(json_lines(&out.stdout)[0]["code"], 200);
}

/// Runs `check` on `input` with its output read by a reader that stops after the first line, as
/// `check | head -1` does, and returns the exit code.
fn check_into_head(dir: &std::path::Path, input: &str, format: &str) -> i32 {
    std::fs::write(dir.join("in.jsonl"), input).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sqibs-filter"))
        .args(["check", "in.jsonl", "--format", format])
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(!first.is_empty());
    child.wait().unwrap().code().unwrap_or(-1)
}

#[test]
fn check_into_head_keeps_the_exit_code_of_the_requests_read() {
    let t = tigera();
    // Far more output than any pipe or buffer holds, so that writing fails while reading goes on.
    let discarded = "{\"status\": \"pending\", \"alert_id\": \"a\"}\n".repeat(20_000);
    for format in ["json", "human"] {
        assert_eq!(check_into_head(t.dir(), &discarded, format), 1, "{format}");
        let broken = format!("{{\"status\": tru}}\n{discarded}");
        assert_eq!(check_into_head(t.dir(), &broken, format), 2, "{format}");
        let created = format!("{{\"status\": \"firing\", \"alert_id\": \"a\"}}\n{discarded}");
        assert_eq!(check_into_head(t.dir(), &created, format), 0, "{format}");
    }
}

#[test]
fn text_before_the_first_json_body_is_held_once() {
    // 225,000 words of text (1.8 MB), each a broken body of its own once the JSON body after them
    // shows that the input is a stream: they once cost 26 times the text (about 56 MiB in all here).
    let t = tigera();
    let mut text = "abcdefg hijklmn\n".repeat(112_500);
    text.push_str("{\"status\": \"firing\", \"alert_id\": \"a\"}\n");
    std::fs::write(t.dir().join("in.json"), &text).unwrap();
    let (code, peak) = peak_memory(t.dir(), &["check", "in.json", "--format", "json"]);
    assert_eq!(code, 2, "the words are broken bodies");
    assert!(peak < 25, "peak memory {peak} MiB for 1.8 MB of text");
}

/// Writes an Alertmanager group of `mib` MiB on one line: a few top-level keys, then `alerts`.
fn write_alert_group(path: &std::path::Path, mib: usize) -> u64 {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(
        br#"{"version": "4", "groupKey": "{}:{alertname=\"DiskFull\"}", "status": "firing", "commonLabels": {"alertname": "DiskFull", "severity": "critical"}, "alerts": ["#,
    )
    .unwrap();
    let alert = br#"{"status": "firing", "labels": {"alertname": "DiskFull", "severity": "critical", "instance": "db-1:9100"}, "annotations": {"summary": "Disk /var is 97% full on db-1"}, "startsAt": "2026-11-20T08:00:00Z", "fingerprint": "a3f5c0de12b4"}"#;
    for i in 0..(mib << 20) / (alert.len() + 2) {
        if i > 0 {
            f.write_all(b", ").unwrap();
        }
        f.write_all(alert).unwrap();
    }
    f.write_all(b"]}\n").unwrap();
    drop(f);
    std::fs::metadata(path).unwrap().len() >> 20
}

#[test]
fn a_big_nested_alert_group_costs_a_small_multiple_of_its_size() {
    // One service discards it (so human output retraces it for near misses: `severity` is nested), and
    // one reads into `alerts` and fires. Both once parsed it whole: 15 times its size.
    let t = Test::in_temp()
        .raw_file(
            "filters/nested.toml",
            &std::fs::read("samples/troubleshooting/nested-key.toml").unwrap(),
        )
        .file(
            "filters/deep.toml",
            r#"
            [[filter]]
            name = "severity"
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "alerts.0.labels.severity", contains = ["critical"] }]
            title_from = "alerts[0].annotations.summary"
            map_with = "groupKey"
            "#,
        );
    let size = write_alert_group(&t.dir().join("group.json"), 20);
    let (code, human) = peak_memory(t.dir(), &["check", "group.json"]);
    assert_eq!(code, 0);
    // The body, and some megabytes for the values a retrace keeps.
    assert!(
        human < 2 * size + 16,
        "human output: peak {human} MiB for {size} MiB"
    );
    // JSON output holds the whole-payload description once more, as the line it writes.
    let (code, json) = peak_memory(t.dir(), &["check", "group.json", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(
        json < 4 * size,
        "JSON output: peak {json} MiB for {size} MiB"
    );
}
