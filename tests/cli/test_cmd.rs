use crate::support::{Test, unindent};

/// `Test::expect` for `test` output: per-case times vary, so `(1.23 ms)` becomes `(T)` first.
#[track_caller]
pub(crate) fn expect_timed(t: Test, code: i32, stdout: &str, stderr: &str) {
    let out = t.output();
    let stdout_got = without_times(&out.stdout);
    assert_eq!(
        (out.code, stdout_got.as_str(), out.stderr.as_str()),
        (code, unindent(stdout).as_str(), unindent(stderr).as_str()),
        "\n--- stdout\n{stdout_got}--- stderr\n{}",
        out.stderr
    );
}

fn without_times(text: &str) -> String {
    text.lines()
        .map(
            |line| match (line.rfind("  ("), line.strip_suffix(" ms)")) {
                (Some(at), Some(_)) => format!("{}  (T)\n", &line[..at]),
                _ => format!("{line}\n"),
            },
        )
        .collect()
}

/// A copy of the Tigera filters and samples, with `edit` applied to the filter file.
fn tigera_copy(edit: impl Fn(&str) -> String) -> Test {
    let mut t = Test::in_temp().file(
        "filters/tigera.toml",
        &edit(&std::fs::read_to_string("filters/tigera.toml").unwrap()),
    );
    for name in ["firing.json", "resolved.json", "cases.toml"] {
        let path = format!("samples/tigera/{name}");
        t = t.raw_file(&path, &std::fs::read(&path).unwrap());
    }
    t
}

const TIGERA_PASS: &str = "
    pass  samples/tigera/cases.toml:4  tigera: a firing alert creates a high-urgency incident  (T)
    pass  samples/tigera/cases.toml:18  tigera: the resolved alert resolves the incident mapped to its alert_id  (T)
    pass  samples/tigera/cases.toml:26  tigera: a status that is neither firing nor resolved is discarded  (T)
    pass  samples/tigera/cases.toml:33  tigera lifecycle: firing, firing again, resolved makes one incident that closes  (T)
";

#[test]
fn the_shipped_suite_passes_and_covers_every_filter_part() {
    let out = Test::new().args(&["test", "--deny-uncovered"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.iter().filter(|l| l.starts_with("pass ")).count() >= 20);
    assert!(!out.stdout.contains("FAIL") && !out.stdout.contains("not exercised"));
    let last = lines.last().unwrap();
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn a_changed_filter_fails_with_a_diff_naming_the_case_and_the_field() {
    let t = tigera_copy(|f| f.replace("title_from = \"alert_name\"", "title_from = \"alert_id\""));
    expect_timed(
        t.args(&["test"]),
        1,
        r#"
        FAIL  samples/tigera/cases.toml:4  tigera: a firing alert creates a high-urgency incident  (T)
        pass  samples/tigera/cases.toml:18  tigera: the resolved alert resolves the incident mapped to its alert_id  (T)
        pass  samples/tigera/cases.toml:26  tigera: a status that is neither firing nor resolved is discarded  (T)
        pass  samples/tigera/cases.toml:33  tigera lifecycle: firing, firing again, resolved makes one incident that closes  (T)

        failed: tigera: a firing alert creates a high-urgency incident (samples/tigera/cases.toml:4)
        --- expected (samples/tigera/cases.toml:12)
        +++ actual
        @@ -3,3 +3,3 @@
         urgency = "high"
        -title = "Tigera - Suspicious Lateral Movement"
        +title = "Tigera - tigera-sec-001"
         description = "Unmatched flow detected from pod 'frontend' to 'db-internal'"

        hint: if the new outcomes are right, run again with --bless to write them into the case files

        3 passed, 1 failed
        "#,
        "",
    );
}

#[test]
fn a_broken_lifecycle_fails_its_scenario_step() {
    let t = tigera_copy(|f| f.replace("map_with = \"alert_id\"", ""));
    let out = t.args(&["test", "--name", "lifecycle"]).output();
    assert_eq!(out.code, 1);
    let diff: Vec<&str> = out
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("@@"))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        diff,
        [
            "@@ -1,4 +1,4 @@",
            " step 1 = \"created\"",
            "-step 2 = \"duplicate\"",
            "-step 3 = \"resolved\"",
            "+step 2 = \"created\"",
            "+step 3 = \"no-open-incident\"",
            " step 4 = \"no-open-incident\"",
        ]
    );
}

#[test]
fn bless_writes_expectations_that_then_pass() {
    let t = tigera_copy(|f| f.replace("title_from = \"alert_name\"", "title_from = \"alert_id\""));
    let dir = t.dir().to_owned();
    let before = std::fs::read_to_string(dir.join("samples/tigera/cases.toml")).unwrap();
    let mut blessed = TIGERA_PASS.replacen(
        "pass  samples/tigera/cases.toml:4",
        "bless samples/tigera/cases.toml:4",
        1,
    );
    blessed.push_str("\n    4 passed, 0 failed\n");
    expect_timed(
        t.args(&["test", "--bless"]),
        0,
        &blessed,
        "note: blessed samples/tigera/cases.toml: 1 value written; review with git diff\n",
    );
    let after = std::fs::read_to_string(dir.join("samples/tigera/cases.toml")).unwrap();
    assert_eq!(
        after,
        before.replace(
            "title = \"Tigera - Suspicious Lateral Movement\"",
            "title = \"Tigera - tigera-sec-001\""
        )
    );
    let out = Test::at(&dir).args(&["test"]).output();
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn bless_fills_in_a_case_that_states_nothing() {
    let t = Test::in_temp()
        .raw_file(
            "filters/t.toml",
            &std::fs::read("filters/tigera.toml").unwrap(),
        )
        .file(
            "cases.toml",
            r#"
            # A new case: its outcome is yet to be written.
            [[case]]
            name = "new"
            body = '{"status": "firing", "alert_name": "A", "alert_id": "a-1"}'
            "#,
        );
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "cases.toml"]).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: the case states no expectation\n"),
        "{}",
        out.stderr
    );

    let out = Test::at(&dir)
        .args(&["test", "cases.toml", "--bless"])
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.join("cases.toml")).unwrap(),
        unindent(
            r#"
            # A new case: its outcome is yet to be written.
            [[case]]
            name = "new"
            body = '{"status": "firing", "alert_name": "A", "alert_id": "a-1"}'

            [case.expect]
            code = 201
            filter = "security alert"
            urgency = "high"
            title = "Tigera - A"
            map_key = "a-1"
            resolve = false
            warnings = ["description_fallback"]
            "#
        )
    );
    let out = Test::at(&dir).args(&["test", "cases.toml"]).output();
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn the_junit_report_is_read_by_a_junit_parser() {
    let t = tigera_copy(|f| f.replace("title_from = \"alert_name\"", "title_from = \"alert_id\""));
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "--junit", "report.xml"]).output();
    assert_eq!(out.code, 1);
    let xml = std::fs::read(dir.join("report.xml")).unwrap();
    let suites = junit_parser::from_reader(std::io::Cursor::new(xml)).unwrap();
    assert_eq!((suites.tests, suites.failures, suites.errors), (4, 1, 0));
    let suite = &suites.suites[0];
    assert_eq!(suite.name, "samples/tigera/cases.toml");
    let failed: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.status.is_failure())
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (
            failed[0].original_name.as_str(),
            failed[0].classname.as_deref()
        ),
        (
            "tigera: a firing alert creates a high-urgency incident",
            Some("samples/tigera/cases.toml")
        )
    );
    assert_eq!(
        (failed[0].file.as_deref(), failed[0].line),
        (Some("samples/tigera/cases.toml"), Some(4))
    );
    let failure = failed[0].status.failure_as_ref();
    assert_eq!(failure.message, "1 expected value(s) differ");
    assert!(
        failure
            .text
            .contains("+title = \"Tigera - tigera-sec-001\""),
        "{}",
        failure.text
    );
}

#[test]
fn selection_by_name_and_skipped_cases() {
    let t = tigera_copy(|f| f.to_owned());
    let cases = t.dir().join("samples/tigera/cases.toml");
    let text = std::fs::read_to_string(&cases).unwrap();
    std::fs::write(
        &cases,
        text.replacen(
            "payload = \"resolved.json\"",
            "payload = \"resolved.json\"\nskip = true",
            1,
        ),
    )
    .unwrap();
    expect_timed(
        t.args(&["test", "--name", "*alert resolves*", "--name", "lifecycle"]),
        0,
        "
        skip  samples/tigera/cases.toml:18  tigera: the resolved alert resolves the incident mapped to its alert_id  (T)
        pass  samples/tigera/cases.toml:34  tigera lifecycle: firing, firing again, resolved makes one incident that closes  (T)

        1 passed, 0 failed, 1 skipped
        ",
        "",
    );
}

#[test]
fn uncovered_parts_are_listed_and_fail_under_deny_uncovered() {
    let run = |deny: bool| {
        let mut args = vec!["test", "--name", "firing alert"];
        if deny {
            args.push("--deny-uncovered");
        }
        tigera_copy(|f| f.to_owned()).args(&args).output()
    };
    let out = run(false);
    assert_eq!(out.code, 0);
    assert!(
        without_times(&out.stdout).ends_with(
            "\nnot exercised by any case:\n  tigera: filter #1 \"security alert\": the resolve part\n\n1 passed, 0 failed\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(run(true).code, 1);
}

#[test]
fn json_reports_one_object_per_case_and_a_summary() {
    let out = tigera_copy(|f| f.replace("\"firing\"]", "\"FIRING!\"]"))
        .args(&["test", "--format", "json"])
        .output();
    assert_eq!(out.code, 1);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["type"], "case");
    assert_eq!(lines[0]["status"], "fail");
    assert_eq!(lines[0]["kind"], "case");
    assert_eq!(lines[0]["diff"][1], "-code = 201");
    assert_eq!(lines[3]["kind"], "scenario");
    assert_eq!(
        lines[4],
        serde_json::json!({"type": "summary", "passed": 2, "failed": 2, "skipped": 0, "blessed": 0,
            "uncovered": ["tigera: filter #1 \"security alert\": the trigger part"]})
    );
}

/// A case file with three mistakes: a typo'd field (found first, on its own), a payload that does not
/// exist and an unknown action (found together once the typo is fixed).
const BAD_CASES: &str = r#"
    filters = "../filters/tigera.toml"

    [[case]]
    name = "typo"
    payload = "tigera/missing.json"
    [case.expect]
    cod = 201

    [[scenario]]
    name = "bad action"
    [[scenario.step]]
    body = '{}'
    expect = "closed"
"#;

#[test]
fn a_bad_case_file_is_located_and_the_suite_cannot_run() {
    let t = tigera_copy(|f| f.to_owned()).file("samples/bad.cases.toml", BAD_CASES);
    let out = t.args(&["test"]).output();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        unindent(
            r#"
            error: unknown field `cod` in [case.expect]
             --> samples/bad.cases.toml:7:1
              |
            7 | cod = 201
              | ^^^
              = note: in case #1 "typo"
              = help: did you mean `code`?
            "#
        )
    );
    // The good file still ran.
    assert!(
        without_times(&out.stdout).ends_with("\n4 passed, 0 failed\n"),
        "{}",
        out.stdout
    );

    let t = tigera_copy(|f| f.to_owned()).file(
        "samples/bad.cases.toml",
        &BAD_CASES.replace("cod = 201", "code = 201"),
    );
    let out = t.args(&["test", "samples/bad.cases.toml"]).output();
    assert_eq!((out.code, out.stdout.as_str()), (2, "0 passed, 0 failed\n"));
    assert_eq!(
        out.stderr,
        unindent(
            r#"
            error: cannot read payload samples/tigera/missing.json: No such file or directory (os error 2)
             --> samples/bad.cases.toml:5:11
              |
            5 | payload = "tigera/missing.json"
              |           ^^^^^^^^^^^^^^^^^^^^^
              = note: in case #1 "typo"
              = help: payload paths are relative to the case file

            error: unknown action `closed`
              --> samples/bad.cases.toml:13:10
               |
            13 | expect = "closed"
               |          ^^^^^^^^
               = note: in scenario #1 "bad action"
               = help: use "created", "duplicate", "resolved", "no-open-incident", "discarded", or two joined with + (created+resolved)
            "#
        )
    );
}

#[test]
fn no_case_files_is_an_error() {
    let t = Test::in_temp();
    std::fs::create_dir_all(t.dir().join("samples")).unwrap();
    t.args(&["test"]).expect(
        2,
        "0 passed, 0 failed\n",
        "error: no case files in samples: case files are named cases.toml or *.cases.toml\n",
    );
}

#[test]
fn cases_expect_the_null_and_empty_value_warnings_and_bless_writes_them() {
    let t = Test::in_temp()
        .raw_file(
            "filters/t.toml",
            &std::fs::read("filters/tigera.toml").unwrap(),
        )
        .file(
            "cases.toml",
            r#"
            [[case]]
            name = "a null id folds alerts"
            body = '{"status": "firing", "alert_name": "A", "description": "", "alert_id": null}'
            [case.expect]
            map_key = "null"
            warnings = ["empty_description", "null_map_key"]

            [[case]]
            name = "a null title"
            body = '{"status": "firing", "alert_name": null, "description": null, "alert_id": "1"}'
            "#,
        );
    let dir = t.dir().to_owned();
    let out = t.args(&["test", "cases.toml", "--bless"]).output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "note: blessed cases.toml: 8 values written; review with git diff\n"
        ),
        "{}",
        out.stdout
    );
    let blessed = std::fs::read_to_string(dir.join("cases.toml")).unwrap();
    assert!(
        blessed.contains("warnings = [\"null_title\", \"null_description\"]\n"),
        "{blessed}"
    );
    expect_timed(
        Test::at(&dir).args(&["test", "cases.toml"]),
        0,
        r#"
        pass  cases.toml:1  a null id folds alerts  (T)
        pass  cases.toml:8  a null title  (T)

        not exercised by any case:
          tigera: filter #1 "security alert": the resolve part

        2 passed, 0 failed
        "#,
        "",
    );
}
