//! The bad-input matrix: hostile or broken payloads, inputs and filter files, each with the message and
//! exit code it must give. No panic, no hang, bounded memory; one bad body never stops the others.

use crate::support::{Output, Test, peak_memory, too_deep_to_list};
use snapbox::str;
use std::io::Write;

/// A folder with the Tigera filters, for `check` of files written into it.
fn tigera() -> Test {
    Test::in_temp().raw_file(
        "filters/tigera.toml",
        &std::fs::read("filters/tigera.toml").unwrap(),
    )
}

/// `check --format json` of one file with these bytes: the output lines, parsed.
fn check_json(bytes: &[u8]) -> (Output, Vec<serde_json::Value>) {
    let out = tigera()
        .raw_file("in.json", bytes)
        .args(&["check", "in.json", "--format", "json"])
        .output();
    let lines = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out, lines)
}

fn warning_kinds(line: &serde_json::Value) -> Vec<&str> {
    line["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect()
}

#[test]
fn empty_and_whitespace_only_inputs_are_errors() {
    for (name, bytes, stderr) in [
        (
            "empty",
            &b""[..],
            str![[r#"
error: empty.json is empty: give a JSON body (or a text body) to evaluate

"#]],
        ),
        (
            "blank",
            &b"  \n\t\r\n"[..],
            str![[r#"
error: blank.json is empty: give a JSON body (or a text body) to evaluate

"#]],
        ),
    ] {
        tigera()
            .raw_file(&format!("{name}.json"), bytes)
            .args(&["check", &format!("{name}.json")])
            .expect(
                2,
                str![[r#"
0 requests, 1 service: 0 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
                stderr,
            );
    }
}

#[test]
fn truncated_json_is_a_text_body_with_the_position() {
    let (out, lines) = check_json(br#"{"status": "firing", "alert_id": "a""#);
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert_eq!(lines[0]["code"], 202);
    assert_eq!(
        lines[0]["warnings"][0]["message"],
        "the body is not JSON (line 1, column 36: EOF while parsing an object): it is taken as text, and no key can be read from it"
    );
}

#[test]
fn trailing_garbage_is_a_broken_second_body() {
    let (out, lines) = check_json(br#"{"status": "firing", "alert_id": "a"} xyz"#);
    assert_eq!(out.code, 2);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["code"], 201);
    assert_eq!(
        out.stderr,
        "error: in.json#2: line 1, column 39: expected value: the body is skipped\n"
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let (out, lines) = check_json(b"\xEF\xBB\xBF{\"status\": \"firing\", \"alert_id\": \"a\"}");
    assert_eq!((out.code, lines[0]["code"].as_u64()), (0, Some(201)));
    assert_eq!(
        lines[0]["trigger"]["description"],
        "{\"status\": \"firing\", \"alert_id\": \"a\"}"
    );
}

#[test]
fn invalid_utf8_a_raw_nul_and_binary_data_are_text_bodies() {
    for (bytes, message) in [
        (
            &b"{\"status\": \"fir\xffing\"}"[..],
            "line 1, column 16: invalid UTF-8",
        ),
        (
            &b"{\"status\": \"fi\x00ring\"}"[..],
            "line 1, column 15: control character (\\u0000-\\u001F) found while parsing a string",
        ),
        (
            &[0x00, 0x9b, 0x1b, b'[', 0xff, b'{', 0x07, b'\n', 0xfe][..],
            "line 1, column 2: invalid UTF-8",
        ),
    ] {
        let (out, lines) = check_json(bytes);
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{message}");
        assert_eq!(warning_kinds(&lines[0]), ["not_json"]);
        let text = lines[0]["warnings"][0]["message"].as_str().unwrap();
        assert!(text.contains(message), "{text}");
    }
    // Readable output never carries the raw control bytes to a terminal.
    let out = tigera()
        .raw_file("bin.json", &[0x1b, b'[', b'2', b'J', 0x07, 0x9b])
        .args(&["check", "bin.json", "--service", "tigera", "--explain"])
        .output();
    assert_eq!(out.code, 1);
    assert!(
        !out.stdout.bytes().any(|b| b < 0x20 && b != b'\n'),
        "{:?}",
        out.stdout
    );
}

#[test]
fn deeply_nested_json_is_refused_without_a_crash() {
    let depth = 100_000;
    let mut body = "[".repeat(depth);
    body.push_str(&"]".repeat(depth));
    let (out, lines) = check_json(body.as_bytes());
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let text = lines[0]["warnings"][0]["message"].as_str().unwrap();
    assert!(text.contains("recursion limit exceeded"), "{text}");

    let mut object = "{\"a\":".repeat(depth);
    object.push('1');
    object.push_str(&"}".repeat(depth));
    let (out, _) = check_json(format!("{object}\n{{\"status\": \"firing\"}}\n").as_bytes());
    assert_eq!(
        out.code, 2,
        "a too-deep body in a stream is skipped, the next one evaluated"
    );
    assert!(
        out.stderr.contains("in.json#1: line 1, column"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_200_mb_body_is_evaluated_in_bounded_memory() {
    let t = tigera();
    let path = t.dir().join("big.json");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(
        br#"{"status": "firing", "alert_id": "big", "alert_name": "Big", "description": ""#,
    )
    .unwrap();
    let chunk = [b'x'; 1 << 20];
    for _ in 0..200 {
        f.write_all(&chunk).unwrap();
    }
    f.write_all(b"\"}\n").unwrap();
    drop(f);
    let (code, peak) = peak_memory(t.dir(), &["check", "big.json"]);
    assert_eq!(code, 0);
    // The body itself, the description taken from it, and little else.
    assert!(peak < 700, "peak memory {peak} MiB for a 200 MiB body");
}

#[test]
fn a_1_mb_string_value_is_kept_whole_in_json_and_shortened_for_people() {
    let long = "y".repeat(1 << 20);
    let body = format!(r#"{{"status": "firing", "alert_id": "a", "description": "{long}"}}"#);
    let (out, lines) = check_json(body.as_bytes());
    assert_eq!(out.code, 0);
    assert_eq!(
        lines[0]["trigger"]["description"].as_str().map(str::len),
        Some(1 << 20)
    );
    let human = tigera()
        .raw_file("in.json", body.as_bytes())
        .args(&["check", "in.json"])
        .output();
    assert!(
        human
            .stdout
            .contains(" … (1048476 more characters; --full shows all)"),
        "{}",
        human.stdout.len()
    );
}

#[test]
fn huge_numbers_and_exponents_keep_their_digits() {
    let (out, lines) = check_json(
        br#"{"status": "firing", "alert_id": 123456789012345678901234567890, "alert_name": 1e400, "description": -0.000000000000000000001}"#,
    );
    assert_eq!(out.code, 0);
    let t = &lines[0]["trigger"];
    assert_eq!(t["map_key"], "123456789012345678901234567890");
    assert_eq!(t["title"], "Tigera - 1e+400");
    assert_eq!(t["description"], "-0.000000000000000000001");
}

#[test]
fn a_duplicate_key_takes_its_last_value() {
    let (_, lines) = check_json(br#"{"status": "firing", "status": "resolved", "alert_id": "a"}"#);
    assert_eq!(lines[0]["code"], 200);
}

#[test]
fn bodies_that_are_not_objects_say_so() {
    let (out, lines) = check_json(
        b"[1, {\"status\": \"firing\"}]\n\"firing\"\n42\nnull\ntrue\n1.5e3\n123456789012345678901234567890\n",
    );
    assert_eq!((out.code, lines.len()), (1, 7));
    let kinds: Vec<Vec<&str>> = lines.iter().map(warning_kinds).collect();
    assert!(kinds.iter().all(|k| k == &["not_an_object"]), "{kinds:?}");
    assert_eq!(
        lines[2]["warnings"][0]["message"],
        "the body is a JSON number, not an object: no key can be read from it"
    );
}

#[test]
fn json_lines_with_crlf_endings() {
    let (out, lines) = check_json(
        b"{\"status\": \"firing\", \"alert_id\": \"a\"}\r\n{\"status\": \"resolved\", \"alert_id\": \"a\"}\r\n",
    );
    assert_eq!(out.code, 0);
    let codes: Vec<_> = lines.iter().map(|l| l["code"].as_u64().unwrap()).collect();
    assert_eq!(codes, [201, 200]);
    assert_eq!(
        lines[0]["trigger"]["description"],
        "{\"status\": \"firing\", \"alert_id\": \"a\"}"
    );
}

#[test]
fn unreadable_files_and_link_loops_in_a_folder_are_skipped_and_counted() {
    let t = tigera()
        .file("in/a.json", r#"{"status": "firing", "alert_id": "a"}"#)
        .file("in/z.json", r#"{"status": "resolved", "alert_id": "a"}"#);
    let dir = t.dir().join("in");
    std::os::unix::fs::symlink("loop.json", dir.join("loop.json")).unwrap();
    std::os::unix::fs::symlink("missing.json", dir.join("dangling.json")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
    let out = t.args(&["check", "in"]).output();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: cannot open in/dangling.json: No such file or directory (os error 2)\n\
         error: cannot open in/loop.json: Too many levels of symbolic links (os error 40)\n"
    );
    assert!(
        out.stdout.ends_with(
            "2 requests, 1 service: 1 created (201), 1 resolved (200), 0 discarded (202), 2 skipped (2 unreadable inputs)\n"
        ),
        "{}",
        out.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_folder_inside_that_cannot_be_listed_is_an_error_and_the_rest_is_read() {
    let t = tigera().file("in/a.json", r#"{"status": "firing", "alert_id": "a"}"#);
    let deep = too_deep_to_list(t.dir(), "in/deep", "z.json");
    let dir = t.dir().to_owned();
    let out = t.args(&["check", "in"]).output();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!("error: cannot list {deep}: File name too long (os error 36)\n")
    );
    assert!(
        out.stdout.ends_with(
            "1 request, 1 service: 1 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)\n"
        ),
        "{}",
        out.stdout
    );
    std::fs::remove_dir_all(dir.join("in/deep")).unwrap();
}

#[test]
fn a_path_that_does_not_exist() {
    tigera().args(&["check", "nowhere.json"]).expect(
        2,
        str![[r#"
0 requests, 1 service: 0 created (201), 0 resolved (200), 0 discarded (202), 1 skipped (1 unreadable input)

"#]],
        str![[r#"
error: cannot read nowhere.json: No such file or directory (os error 2): give an existing file or folder, or - for standard input

"#]],
    );
}

#[test]
fn control_characters_in_filter_items_are_refused_and_never_echoed_raw() {
    Test::in_temp()
        .file(
            "filters/bad.toml",
            r#"
            [[filter]]
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["fir\u001b[2Jing"] }]
            title_from = "t"
            "#,
        )
        .args(&["check", "-"])
        .stdin("{}")
        .expect(
            2,
            str![""],
            str![[r#"
error: this item holds the control character U+001B: Callgoose's form cannot hold one
 --> filters/bad.toml:4:45
  |
4 | conditions = [{ key = "status", contains = ["fir\u001b[2Jing"] }]
  |                                             ^^^^^^^^^^^^^^^^^
  = note: in filter #1 "filter 1"
  = help: remove it; match on the visible text around it

"#]],
        );
}

#[test]
fn one_bad_body_never_stops_the_others_in_replay_either() {
    let input = "{\"status\": \"firing\", \"alert_id\": \"a\"}\n{\"status\": tru}\n\u{feff}oops\n{\"status\": \"resolved\", \"alert_id\": \"a\"}\n";
    let out = tigera()
        .args(&["replay", "--format", "json"])
        .stdin(input)
        .output();
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    let summary: serde_json::Value =
        serde_json::from_str(out.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(
        (summary["requests"].as_u64(), summary["resolved"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(summary["skipped"], 2);
}
