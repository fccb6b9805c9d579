use crate::support::Test;

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
            r#"
            warning[resolve-matches-trigger]: this resolve condition also matches the values that fire filter #1's trigger ("OK" in "BROKEN", "TOKEN_EXPIRED"): those alerts resolve as they fire
             --> filters/ok.toml:9:44
              |
            9 | conditions = [{ key = "status", contains = ["OK"] }]
              |                                            ^^^^^^
              = note: in filter #1 "alert"
              = help: short items match more than intended ("OK" is in "BROKEN" and "TOKEN_EXPIRED"): use items that appear only in one state

            0 errors, 1 warning in 1 filter file
            "#,
            "",
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
        .expect(0, "no findings in 2 filter files\n", "");
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
        "",
        "error: cannot read filters from nope: give an existing filter file or folder with --filters: No such file or directory (os error 2)\n",
    );
}
