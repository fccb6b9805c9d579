//! The shipped templates as users meet them: `init` into a fresh folder then `test` there, for every
//! template; `init`'s refusals; `suggest` on every template's firing and resolved samples, whose
//! filters must take the actions the template's lifecycle scenario expects; `suggest --cases`.

use crate::support::Test;
use snapbox::str;
use std::path::{Path, PathBuf};

/// The template folders, by name.
fn templates() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    found.sort();
    assert!(found.len() >= 12, "{} templates", found.len());
    found
}

/// Runs `args` in `dir`, which must exit 0 with nothing on standard error; `what` names the run in
/// the failure, with the standard output.
#[track_caller]
fn succeeds(dir: &Path, args: &[&str], what: &str) -> crate::support::Output {
    let out = Test::at(dir).args(args).output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, ""),
        "{what}: {}",
        out.stdout
    );
    out
}

#[test]
fn init_then_test_passes_for_every_template() {
    for (name, _) in templates() {
        let t = Test::in_temp();
        let out = succeeds(t.dir(), &["init", "--template", &name, "project"], &name);
        assert!(
            out.stdout
                .contains(&format!("created   project/filters/{name}.toml")),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("cd project && sqibs-filter test"),
            "{}",
            out.stdout
        );
        let project = t.dir().join("project");
        let out = succeeds(&project, &["test", "--deny-uncovered"], &name);
        assert!(out.stdout.contains(" passed, 0 failed"), "{}", out.stdout);
        let out = Test::at(&project)
            .args(&["lint", "--deny", "warnings"])
            .output();
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "no findings in 1 filter file\n", ""),
            "{name}"
        );
        // The schemas the files name are there.
        let filters =
            std::fs::read_to_string(project.join(format!("filters/{name}.toml"))).unwrap();
        assert!(filters.starts_with("#:schema ../schema/filters.schema.json\n"));
        assert!(project.join("schema/filters.schema.json").is_file());
        assert!(project.join("schema/cases.schema.json").is_file());
    }
}

#[test]
fn init_lists_every_template_in_one_line_each() {
    let out = Test::new().args(&["init", "--list"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let names: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    let expected: Vec<String> = templates().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, expected);
    for line in out.stdout.lines() {
        assert!(line.len() <= 120 && line.contains(": "), "{line}");
    }
    assert!(
        out.stdout
            .contains("alertmanager   Prometheus Alertmanager: "),
        "{}",
        out.stdout
    );
}

#[test]
fn init_never_overwrites_without_force_and_writes_nothing_when_it_refuses() {
    let t = Test::in_temp()
        .file("filters/sedai.toml", "# mine\n")
        .args(&["init", "--template", "sedai"]);
    let dir = t.dir().to_owned();
    t.expect(
        2,
        str![""],
        str![[r#"
error: nothing written: a file exists with other content (./filters/sedai.toml); move it away, or give --force to overwrite

"#]],
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("filters/sedai.toml")).unwrap(),
        "# mine\n"
    );
    assert!(!dir.join("samples").exists(), "nothing else was written");
    // Run again unchanged: nothing to do, and said so.
    Test::at(&dir)
        .args(&["init", "--template", "sedai", "--force"])
        .output();
    let out = Test::at(&dir)
        .args(&["init", "--template", "sedai"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout
            .lines()
            .all(|l| !l.starts_with("created") && !l.starts_with("replaced")),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unchanged ./filters/sedai.toml"),
        "{}",
        out.stdout
    );
    // --force replaces, and says so.
    std::fs::write(dir.join("samples/sedai/firing.json"), "{}").unwrap();
    let out = Test::at(&dir)
        .args(&["init", "--template", "sedai", "--force"])
        .output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (0, "note: --force: overwrote ./samples/sedai/firing.json\n")
    );
    assert!(
        out.stdout.contains("replaced  ./samples/sedai/firing.json"),
        "{}",
        out.stdout
    );
}

#[test]
fn init_refuses_an_unknown_template_with_the_list() {
    let out = Test::in_temp()
        .args(&["init", "--template", "nagios"])
        .output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("invalid value 'nagios' for '--template <NAME>'"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("alertmanager"), "{}", out.stderr);
    let out = Test::in_temp().args(&["init"]).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--template <NAME>|--list"),
        "{}",
        out.stderr
    );
}

/// The steps of a case file's first scenario: payload paths and expected actions.
fn lifecycle(cases: &Path) -> Vec<(String, String)> {
    let doc: toml::Table = std::fs::read_to_string(cases).unwrap().parse().unwrap();
    let scenario = &doc["scenario"].as_array().unwrap()[0];
    scenario["step"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["payload"].as_str().unwrap().to_owned(),
                s["expect"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn suggest_on_a_templates_firing_and_resolved_samples_takes_the_templates_actions() {
    for (name, dir) in templates() {
        let t = Test::in_temp();
        let firing = dir.join("samples/firing.json");
        let resolved = dir.join("samples/resolved.json");
        let out = Test::at(t.dir())
            .args(&["suggest", "-o", "suggested.toml", "--service", &name])
            .args(&[firing.to_str().unwrap(), resolved.to_str().unwrap()])
            .output();
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "", "note: wrote suggested.toml\n"),
            "{name}"
        );
        let out = Test::at(t.dir())
            .args(&["lint", "--deny", "warnings", "suggested.toml"])
            .output();
        assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
        // The template's lifecycle, run through the suggested filters.
        let mut cases =
            format!("filters = \"suggested.toml\"\n[[scenario]]\nname = \"{name} lifecycle\"\n");
        for (payload, expect) in lifecycle(&dir.join("cases.toml")) {
            let from = dir.join(&payload);
            let copy = t.dir().join(Path::new(&payload).file_name().unwrap());
            std::fs::copy(from, &copy).unwrap();
            let file = copy.file_name().unwrap().to_string_lossy();
            cases += &format!("[[scenario.step]]\npayload = \"{file}\"\nexpect = \"{expect}\"\n");
        }
        std::fs::write(t.dir().join("lifecycle.cases.toml"), cases).unwrap();
        succeeds(t.dir(), &["test", "lifecycle.cases.toml"], &name);
    }
}

#[test]
fn suggest_prints_a_commented_filter_file_that_explains_each_choice() {
    Test::new()
        .args(&[
            "suggest",
            "samples/tigera/firing.json",
            "samples/tigera/resolved.json",
        ])
        .expect(
            0,
            str![[r##"
# Suggested by `sqibs-filter suggest` from 2 samples: samples/tigera/firing.json,
#   samples/tigera/resolved.json.
# Each choice says why it was made and what else was possible: review them, then run `sqibs-filter
#   lint` and `sqibs-filter test`.
#
# On these samples, in order:
#   samples/tigera/firing.json: created (mapping key "tigera-sec-001")
#   samples/tigera/resolved.json: resolved (mapping key "tigera-sec-001")
service = "suggested"
# from = "Sender"   # the from= parameter of the sender's URL: titles read "<from> - <title>"

[[filter]]
name = "firing"
# P1-P3 page with high urgency, P4-P5 with low: set what this alert deserves.
urgency = "high"

[filter.trigger]
# State key: `status`, a top-level key: firing "firing"; resolved "resolved".
# Item: "firing", the shortest part of the firing value that no resolved value contains.
conditions = [{ key = "status", contains = ["firing"] }]
# Title: `alert_name` ("Suspicious Lateral Movement"), a short text field named like a title.
title_from = "alert_name"
# Description: `description` ("Unmatched flow detected from pod 'fronte..."), the longest prose the
#   firing samples carry.
description_from = "description"
# Mapping key: `alert_id` ("tigera-sec-001"), the same in the firing and resolved samples of an
#   alert, not a time.
#   Other keys: `alert_name` (also fit); `timestamp` (refused: a timestamp, which need not match
#   across the lifecycle and differs between repeats).
map_with = "alert_id"

[filter.resolve]
# Item: "resolved", the shortest part of the resolved value that no firing value contains.
conditions = [{ key = "status", contains = ["resolved"] }]
mapped_with = "alert_id"

"##]],
            str![""],
        );
}

#[test]
fn suggest_cases_writes_a_case_file_that_passes_at_once() {
    let t = Test::in_temp();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/datadog/samples");
    for file in ["firing.json", "repeat.json", "resolved.json"] {
        std::fs::create_dir_all(t.dir().join("samples")).unwrap();
        std::fs::copy(samples.join(file), t.dir().join("samples").join(file)).unwrap();
    }
    let suggest = || {
        Test::at(t.dir())
            .args(&[
                "suggest",
                "-o",
                "filters/datadog.toml",
                "--cases",
                "samples/cases.toml",
            ])
            .args(&["--from", "Datadog"])
            .args(&[
                "samples/firing.json",
                "samples/repeat.json",
                "samples/resolved.json",
            ])
            .output()
    };
    let out = suggest();
    assert_eq!(out.code, 2, "filters/ does not exist yet: {}", out.stderr);
    assert!(
        out.stderr.contains("cannot write filters/datadog.toml"),
        "{}",
        out.stderr
    );
    std::fs::create_dir_all(t.dir().join("filters")).unwrap();
    let out = suggest();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            0,
            "",
            "note: wrote filters/datadog.toml\nnote: wrote samples/cases.toml: run sqibs-filter test samples/cases.toml to check it\n"
        )
    );
    let cases = std::fs::read_to_string(t.dir().join("samples/cases.toml")).unwrap();
    assert!(cases.contains("payload = \"firing.json\""), "{cases}");
    assert!(cases.contains("expect = \"duplicate\""), "{cases}");
    assert!(
        cases.contains(
            "title = \"Datadog - [Triggered on {host:web-01.example.com}] High CPU on web hosts\""
        ),
        "{cases}"
    );
    let out = succeeds(t.dir(), &["test", "--deny-uncovered"], "test");
    assert!(out.stdout.contains("4 passed, 0 failed"), "{}", out.stdout);
    // Neither file is overwritten without --force.
    let again = Test::at(t.dir())
        .args(&[
            "suggest",
            "-o",
            "filters/datadog.toml",
            "samples/firing.json",
        ])
        .output();
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (
            2,
            "error: filters/datadog.toml exists: --output never overwrites a file without --force\n"
        )
    );
}

#[test]
fn suggest_reports_every_bad_sample_and_proposes_nothing() {
    Test::in_temp()
        .file("a.json", r#"{"status": "firing""#)
        .file("b.json", "[1, 2]")
        .file("c.json", r#"{"status": "firing", "id": "1"}"#)
        .args(&["suggest", "a.json", "b.json", "c.json", "missing.json"])
        .expect(
            2,
            str![""],
            str![[r#"
error: cannot read missing.json: No such file or directory (os error 2): give an existing file or folder, or - for standard input
error: a.json: line 1, column 19: EOF while parsing an object: a sample must be a JSON object
error: b.json: not a JSON object: a sample is a webhook body, an object whose keys filters read
error: 3 samples could not be used: nothing proposed

"#]],
        );
}

#[test]
fn suggest_exits_1_when_a_part_is_missing_and_says_what() {
    Test::in_temp()
        .file("broken.json", r#"{"state": "BROKEN", "check": "db"}"#)
        .file("ok.json", r#"{"state": "OK", "check": "db"}"#)
        .args(&["suggest", "broken.json", "ok.json", "-o", "f.toml"])
        .expect(
            1,
            str![""],
            str![[r#"
warning: every part of state's resolved value "OK" is contained in a firing value ("BROKEN"): a resolve part on it would close incidents as they fire, and no other key tells resolved from firing
note: wrote f.toml

"#]],
        );
}

#[test]
fn suggest_never_shows_a_token_a_sample_carries() {
    let out = Test::in_temp()
        .file("f.json", r#"{"status": "firing", "id": "a1", "title": "Bearer abcdefghijklmnop1234 leaked", "api_token": "s3cr3t-t0k3n-value"}"#)
        .file("r.json", r#"{"status": "resolved", "id": "a1", "title": "Bearer abcdefghijklmnop1234 leaked", "api_token": "s3cr3t-t0k3n-value"}"#)
        .env("SQIBS_TOKEN", "a1")
        .args(&["suggest", "f.json", "r.json"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    for secret in ["abcdefghijklmnop1234", "s3cr3t-t0k3n-value", "\"a1\""] {
        assert!(
            !out.stdout.contains(secret),
            "{secret} shown:\n{}",
            out.stdout
        );
    }
}
