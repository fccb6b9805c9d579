use crate::support::Test;
use snapbox::str;

/// One filter file with every static mistake `lint` knows, each on its own line.
const CRAFTED: &str = r#"
    service = "crafted"

    [[filter]]
    name = "broad"
    urgency = "high"
    [filter.trigger]
    conditions = [{ key = "status", contains = ["BROKEN"] }]
    title_from = "name"
    map_with = "id"

    [[filter]]
    name = "narrow"
    urgency = "low"
    [filter.trigger]
    conditions = [{ key = "status", contains = ["BROKEN link"] }, { key = "env", contains = ["prod"] }]
    title_from = "name"
    map_with = "id"

    [[filter]]
    name = "items"
    urgency = "low"
    [filter.trigger]
    conditions = [{ key = " kind ", contains = ["disk", "disk", "disk full", " ", " padded", "“quoted”"] }]
    title_from = "name"
    map_with = "id"
    [filter.resolve]
    conditions = [{ key = "status", contains = ["OK"] }]
    mapped_with = "uid"

    [[filter]]
    name = "items"
    urgency = "low"
    [filter.trigger]
    conditions = [{ key = "state", contains = ["open"] }]
    title_from = "name"
    [filter.resolve]
    conditions = [{ key = "state", contains = ["reopened"] }]
    mapped_with = "id"
"#;

/// The findings of a JSON lint run as `severity[code] line:column`, and the summary.
fn findings(t: Test, args: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = t.args(&all).output();
    assert_eq!(out.stderr, "");
    let mut lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary = lines.pop().unwrap();
    let found = lines
        .iter()
        .map(|f| {
            format!(
                "{}[{}] {}:{}",
                f["severity"].as_str().unwrap(),
                f["code"].as_str().unwrap_or("-"),
                f["line"],
                f["column"]
            )
        })
        .collect();
    (out.code, found, summary)
}

#[test]
fn every_static_check_fires_on_a_crafted_file() {
    let t = Test::in_temp().file("filters/crafted.toml", CRAFTED);
    let (code, found, summary) = findings(t, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            "error[shadowed-filter] 15:14",
            "warning[padded-key] 23:23",
            "warning[duplicate-item] 23:53",
            "warning[redundant-item] 23:61",
            "warning[empty-item] 23:74",
            "warning[padded-item] 23:79",
            "warning[typographic-quote] 23:90",
            "warning[resolve-matches-trigger] 27:44",
            "warning[resolve-matches-trigger] 27:44",
            "warning[mapping-keys-differ] 28:15",
            "warning[duplicate-name] 31:8",
            "warning[resolve-matches-trigger] 37:43",
            "error[resolve-without-map-with] 38:15",
        ]
    );
    assert_eq!(
        summary,
        serde_json::json!({"type": "summary", "errors": 2, "warnings": 11, "files": 1})
    );
}

#[test]
fn a_finding_reads_like_rustc_with_the_fix() {
    Test::in_temp()
        .file(
            "filters/ok.toml",
            r#"
            [[filter]]
            name = "alert"
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["BROKEN", "TOKEN_EXPIRED"] }]
            title_from = "name"
            map_with = "id"
            [filter.resolve]
            conditions = [{ key = "status", contains = ["OK"] }]
            mapped_with = "id"
            "#,
        )
        .args(&["lint"])
        .expect(
            0,
            str![[r#"
warning[resolve-matches-trigger]: this resolve condition also matches the values that fire filter #1's trigger ("OK" in "BROKEN", "TOKEN_EXPIRED"): those alerts resolve as they fire
 --> filters/ok.toml:9:44
  |
9 | conditions = [{ key = "status", contains = ["OK"] }]
  |                                            ^^^^^^
  = note: in filter #1 "alert"
  = help: short items match more than intended ("OK" is in "BROKEN" and "TOKEN_EXPIRED"): use items that appear only in one state

0 errors, 1 warning in 1 filter file

"#]],
            str![""],
        );
}

#[test]
fn deny_warnings_fails_on_warnings() {
    let t = Test::in_temp().file(
        "filters/w.toml",
        r#"
        [[filter]]
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "status", contains = ["firing", "fir"] }]
        title_from = "name"
        "#,
    );
    let dir = t.dir().to_owned();
    let (code, found, _) = findings(t, &[]);
    assert_eq!(
        (code, found.as_slice()),
        (0, ["warning[redundant-item] 4:55".to_owned()].as_slice())
    );
    let (code, _, _) = findings(Test::at(&dir), &["--deny", "warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn broken_limits_are_error_findings_of_their_file() {
    let t = Test::in_temp().file(
        "filters/limits.toml",
        r#"
        [[filter]]
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = "a", contains = ["x"] }, { key = "b", contains = ["x"] }, { key = "c", contains = ["x"] }]
        title_from = "name"
        "#,
    );
    let (code, found, summary) = findings(t, &[]);
    assert_eq!(code, 1);
    assert_eq!(found, ["error[-] 4:14"]);
    assert_eq!(summary["errors"], 1);
}

#[test]
fn samples_show_unread_keys_unfired_filters_and_unhandled_payloads() {
    let t = Test::in_temp()
        .file(
            "filters/s.toml",
            r#"
            [[filter]]
            name = "alert"
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["firing"] }]
            title_from = "alertname"
            map_with = "id"
            [filter.resolve]
            conditions = [{ key = "status", contains = ["resolved"] }]
            mapped_with = "id"
            "#,
        )
        .file(
            "samples/a.json",
            r#"{"status": "firing", "id": "1", "title": "t"}"#,
        )
        .file("samples/b.json", r#"{"state": "resolved", "id": "1"}"#);
    let (code, found, _) = findings(t, &["--samples", "samples"]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        [
            "warning[key-in-no-sample] 6:14",
            "warning[resolves-no-sample] 9:14",
            "warning[unhandled-sample] null:null",
        ]
    );
}

#[test]
fn the_shipped_filters_are_clean_against_the_shipped_samples() {
    Test::new()
        .args(&[
            "lint",
            "--samples",
            "samples/tigera",
            "--samples",
            "samples/sedai",
            "--samples",
            "samples/replay/lifecycle.jsonl",
            "--deny",
            "warnings",
        ])
        .expect(
            0,
            str![[r#"
no findings in 2 filter files

"#]],
            str![""],
        );
}

#[test]
fn the_troubleshooting_copies_are_caught() {
    let (code, found, _) = findings(Test::new(), &["samples/troubleshooting"]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            "warning[mapping-keys-differ] 21:15",
            "error[resolve-without-map-with] 20:15",
        ]
    );
}

#[test]
fn a_missing_path_means_lint_could_not_run() {
    Test::in_temp().args(&["lint", "nope"]).expect(
        2,
        str![""],
        str![[r#"
error: cannot read filters from nope: No such file or directory (os error 2): give an existing filter file or folder with --filters

"#]],
    );
}

/// A filter on `status` containing `item`, mapped on `id`.
fn on_status(item: &str) -> String {
    format!(
        "[[filter]]\nurgency = \"high\"\n[filter.trigger]\nconditions = [{{ key = \"status\", contains = [\"{item}\"] }}]\ntitle_from = \"name\"\nmap_with = \"id\"\n"
    )
}

#[test]
fn lint_refuses_two_files_defining_one_service_as_check_does() {
    Test::in_temp()
        .file("filters/a.toml", &on_status("firing"))
        .file("filters/b.toml", &format!("service = \"a\"\n{}", on_status("open")))
        .args(&["lint"])
        .expect(
            1,
            str![[r#"
error[duplicate-service]: filters/a.toml already defines the service "a": `check` and `replay` refuse this filter set
 --> filters/b.toml:1:11
  |
1 | service = "a"
  |           ^^^
  = help: give one of the files another `service = "..."`: each Callgoose service has one list of filters

1 error, 0 warnings in 2 filter files

"#]],
            str![""],
        );
}

#[test]
fn the_same_service_in_two_filter_sets_is_fine() {
    // Each PATH is one set, as `check --filters PATH` loads it.
    Test::in_temp()
        .file("one/a.toml", &on_status("firing"))
        .file("two/a.toml", &on_status("open"))
        .args(&["lint", "one", "two"])
        .expect(
            0,
            str![[r#"
no findings in 2 filter files

"#]],
            str![""],
        );
}

#[test]
fn a_broken_sample_is_an_error_never_skipped() {
    Test::in_temp()
        .file("filters/a.toml", &on_status("firing"))
        .file(
            "samples/stream.jsonl",
            "{\"status\": \"firing\", \"name\": \"n\", \"id\": \"1\"}\n{\"status\": firing}\n{\"body\": 5, \"token\": 7}\n",
        )
        .args(&["lint", "--samples", "samples"])
        .expect(
            1,
            str![[r#"
error[unreadable-sample]: samples/stream.jsonl#2: line 2, column 13: expected ident: the body is skipped
  = help: fix the sample or remove it: the filters were not checked against it

error[unreadable-sample]: samples/stream.jsonl#3: the envelope's `token` must be a string
  = help: fix the sample or remove it: the filters were not checked against it

2 errors, 0 warnings in 1 filter file

"#]],
            str![""],
        );
}

/// The command in the first backticks of `text` after `marker`, split as a shell would (single quotes).
pub fn hinted_command(text: &str, marker: &str) -> Vec<String> {
    let after = &text[text.find(marker).unwrap() + marker.len()..];
    let command = after.split('`').nth(1).unwrap();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[test]
fn the_unhandled_sample_hint_runs_check_on_the_filters_lint_used() {
    // The default filters handle the sample; the ones linted do not (under case-sensitive matching).
    let t = Test::in_temp()
        .file("filters/a.toml", &on_status("firing"))
        .file("my filters/a.toml", &on_status("FIRING"))
        .file(
            "samples/firing.json",
            r#"{"status": "firing", "name": "n", "id": "1"}"#,
        );
    let dir = t.dir().to_owned();
    let out = t
        .args(&["lint", "my filters", "--samples", "samples/firing.json", "--case-sensitive"])
        .expect(
            0,
            str![[r#"
warning[fires-on-no-sample]: no sample fires this filter's trigger part
 --> my filters/a.toml:4:14
  |
4 | conditions = [{ key = "status", contains = ["FIRING"] }]
  |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = note: in filter #1 "filter 1"
  = help: add a sample of the alert it is for, or see why none fires it with `sqibs-filter check --explain --filters 'my filters/a.toml' --case-sensitive samples/firing.json`

warning[unhandled-sample]: samples/firing.json: no filter of any service handles this sample
  = help: see why with `sqibs-filter check --explain --filters 'my filters' --case-sensitive samples/firing.json`

0 errors, 2 warnings in 1 filter file

"#]],
            str![""],
        );
    let command = hinted_command(&out.stdout, "see why with");
    assert_eq!(command[..2], ["sqibs-filter", "check"]);
    let args: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    // Run as hinted, the sample is discarded there too (the trace that follows is `--explain`'s own).
    let run = Test::at(&dir).args(&args).output();
    assert_eq!((run.code, run.stderr.as_str()), (1, ""));
    assert!(
        run.stdout
            .starts_with("samples/firing.json\n  a: 202 discarded: no filter matched\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn samples_with_null_incident_values_are_named_at_the_key() {
    Test::in_temp()
        .file(
            "filters/s.toml",
            r#"
            [[filter]]
            name = "alert"
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["firing"] }]
            title_from = "name"
            map_with = "id"
            [filter.resolve]
            conditions = [{ key = "status", contains = ["resolved"] }]
            mapped_with = "id"
            "#,
        )
        .file(
            "samples/a.json",
            r#"{"status": "firing", "id": null, "name": "disk"}"#,
        )
        .file("samples/b.json", r#"{"status": "resolved", "id": null}"#)
        .file("samples/c.json", r#"{"status": "firing", "id": "2", "name": null}"#)
        .args(&["lint", "--samples", "samples"])
        .expect(
            0,
            str![[r#"
warning[null-value]: samples/a.json: mapping key `id` is null: it is read as the text `null`, so every alert whose `id` is null maps to one incident; map on a key that identifies the alert
 --> filters/s.toml:7:12
  |
7 | map_with = "id"
  |            ^^^^
  = help: see it with `sqibs-filter check --filters filters/s.toml samples/a.json`

warning[null-value]: samples/b.json: mapping key `id` is null: it is read as the text `null`, so every alert whose `id` is null maps to one incident; map on a key that identifies the alert
  --> filters/s.toml:10:15
   |
10 | mapped_with = "id"
   |               ^^^^
   = help: see it with `sqibs-filter check --filters filters/s.toml samples/b.json`

warning[null-value]: samples/c.json: title key `name` is null: the title shows the text `null`; take the title from a key that always has a value
 --> filters/s.toml:6:14
  |
6 | title_from = "name"
  |              ^^^^^^
  = help: see it with `sqibs-filter check --filters filters/s.toml samples/c.json`

0 errors, 3 warnings in 1 filter file

"#]],
            str![""],
        );
}

#[test]
fn quoted_keys_are_understood_and_quotes_that_do_not_quote_are_named() {
    let t = Test::in_temp().file(
        "filters/q.toml",
        r#"
        [[filter]]
        name = "quoted"
        urgency = "high"
        [filter.trigger]
        conditions = [{ key = 'labels."app.kubernetes.io/name"', contains = ["checkout"] }]
        title_from = 'labels.“app”'
        map_with = 'labels."alert.id"'
        [filter.resolve]
        conditions = [{ key = 'labels."open', contains = ["resolved"] }]
        mapped_with = 'labels["alert.id"]'
        "#,
    );
    let dir = t.dir().to_owned();
    let (code, found, _) = findings(t, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        [
            "warning[typographic-quote] 6:14",
            "warning[key-quotes] 9:23",
        ]
    );
    let out = Test::at(&dir).args(&["lint"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains(
            "warning[key-quotes]: the quotes in the key `labels.\"open` are not well formed, so they are read as part of a name\n"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn lint_reads_keys_as_the_semantics_say() {
    let am = || {
        Test::in_temp()
            .file(
                "filters/am.toml",
                r#"
                service = "am"

                [[filter]]
                name = "firing"
                urgency = "high"
                [filter.trigger]
                conditions = [{ key = "commonLabels.severity", contains = ["critical"] }]
                title_from = 'commonLabels."alertname"'
                map_with = "groupKey"
                "#,
            )
            .file(
                "samples/a.json",
                r#"{"groupKey": "g1", "commonLabels": {"severity": "critical", "alertname": "DiskFull"}}"#,
            )
    };
    let (code, found, _) = findings(am(), &["filters", "--samples", "samples"]);
    assert_eq!((code, found), (0, Vec::<String>::new()));
    let (code, found, _) = findings(
        am(),
        &["filters", "--samples", "samples", "--no-nested-keys"],
    );
    assert_eq!(
        (code, found),
        (
            0,
            vec![
                "warning[nested-key-without-nesting] 8:14".to_owned(),
                "warning[key-in-no-sample] 7:23".to_owned(),
                "warning[key-in-no-sample] 8:14".to_owned(),
                "warning[fires-on-no-sample] 7:14".to_owned(),
                "warning[unhandled-sample] null:null".to_owned(),
            ]
        )
    );
}
