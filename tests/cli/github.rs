//! `--format github`: the log between `::stop-commands::` and its resume marker, then one workflow
//! command per failing case, lint finding and uncovered part, at the right file and line, with nothing
//! from a payload or a filter file able to start a command of its own.

use crate::support::Test;

/// What GitHub's runner makes of the output: the workflow commands it would obey (outside the
/// stopped log), and the log lines, with the random resume marker replaced by `<marker>`.
fn as_github_reads(stdout: &str) -> (Vec<String>, Vec<String>) {
    let mut commands = Vec::new();
    let mut log = Vec::new();
    let mut resume: Option<String> = None;
    for line in stdout.lines() {
        match &resume {
            Some(word) if line == format!("::{word}::") => resume = None,
            Some(_) => log.push(line.to_owned()),
            None => match line.strip_prefix("::stop-commands::") {
                Some(word) => {
                    assert!(word.len() >= 16, "a guessable marker: {word}");
                    resume = Some(word.to_owned());
                }
                None if line.trim_start().starts_with("::") => commands.push(line.to_owned()),
                None => log.push(line.to_owned()),
            },
        }
    }
    assert!(resume.is_none(), "the log is never resumed:\n{stdout}");
    (commands, log)
}

fn tigera_with(edit: impl Fn(&str) -> String) -> Test {
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

#[test]
fn a_failing_case_and_an_uncovered_part_annotate_their_lines() {
    let t = tigera_with(|f| f.replace("contains = [\"firing\"]", "contains = [\"FIRING!\"]"));
    let out = t
        .args(&["test", "--format", "github", "--deny-uncovered"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    let (commands, log) = as_github_reads(&out.stdout);
    assert_eq!(
        commands,
        [
            "::error file=samples/tigera/cases.toml,line=10,title=case \"tigera%3A a firing alert creates a high-urgency incident\" failed::--- expected%0A+++ actual%0A@@ -1,7 +1,7 @@%0A-code = 201%0A-filter = \"security alert\"%0A-urgency = \"high\"%0A-title = \"Tigera - Suspicious Lateral Movement\"%0A-description = \"Unmatched flow detected from pod 'frontend' to 'db-internal'\"%0A-map_key = \"tigera-sec-001\"%0A+code = 202%0A+filter = false%0A+urgency = false%0A+title = false%0A+description = false%0A+map_key = false%0A resolve = false",
            "::error file=samples/tigera/cases.toml,line=38,title=scenario \"tigera lifecycle%3A firing%2C firing again%2C resolved makes one incident that closes\" failed::--- expected%0A+++ actual%0A@@ -1,4 +1,4 @@%0A-step 1 = \"created\"%0A-step 2 = \"duplicate\"%0A-step 3 = \"resolved\"%0A+step 1 = \"discarded\"%0A+step 2 = \"discarded\"%0A+step 3 = \"no-open-incident\"%0A step 4 = \"no-open-incident\"",
            // The filter file's path as the pull request names it, at the part's table.
            "::error file=filters/tigera.toml,line=11,title=filter part not exercised::tigera: filter #1 \"security alert\": the trigger part: no case exercises it",
        ]
    );
    // The log is the readable report, uncoloured, ending in its counts.
    assert!(
        log[0].starts_with("FAIL  samples/tigera/cases.toml:5  "),
        "{log:?}"
    );
    assert_eq!(
        log.last().unwrap(),
        "2 passed, 2 failed, 1 filter part not exercised (--deny-uncovered)"
    );
    assert!(!out.stdout.contains('\u{1b}'));
}

#[test]
fn a_passing_suite_annotates_only_warnings() {
    let out = Test::new().args(&["test", "--format", "github"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    let (commands, log) = as_github_reads(&out.stdout);
    // A scenario whose outcome rests on an undocumented reading passes, with a warning.
    assert_eq!(
        commands,
        [
            "::warning file=samples/sedai/cases.toml,line=89,title=fragile scenario step::step 2 would close no incident with resolve_scope = \"filter\"; the result depends on a reading Callgoose does not document"
        ]
    );
    assert!(
        log.last().unwrap().ends_with(" passed, 0 failed"),
        "{log:?}"
    );

    let t = tigera_with(|f| f.replace("contains = [\"resolved\"]", "contains = [\"closed\"]"));
    let out = t
        .args(&["test", "--format", "github", "--name", "firing alert"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    let (commands, _) = as_github_reads(&out.stdout);
    assert_eq!(
        commands,
        [
            "::warning file=filters/tigera.toml,line=18,title=filter part not exercised::tigera: filter #1 \"security alert\": the resolve part: no case exercises it"
        ]
    );
}

#[test]
fn a_case_file_that_cannot_run_is_an_error_annotation() {
    let out = Test::in_temp()
        .file("filters/a.toml", "")
        .file("samples/cases.toml", "[[case]]\nname = 1\n")
        .args(&["test", "--format", "github"])
        .output();
    assert_eq!(out.code, 2, "{}", out.stdout);
    let (commands, _) = as_github_reads(&out.stdout);
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(
        commands[0].starts_with(
            "::error file=samples/cases.toml,line=1,title=test could not run::not run: "
        ),
        "{commands:?}"
    );
}

/// A filter whose name holds `%`, `,` and `:`, with a duplicate item: a warning.
const NAMED: &str = r#"
    [[filter]]
    name = "50%, really: down"
    urgency = "high"
    [filter.trigger]
    conditions = [{ key = "status", contains = ["firing", "firing"] }]
    title_from = "name"
    map_with = "id"
"#;

#[test]
fn lint_findings_annotate_file_line_and_column() {
    let out = Test::in_temp()
        .file(
            "filters/a.toml",
            // Indented as NAMED is, so that the file reads back unindented.
            &format!(
                "{NAMED}\n    [[filter]]\n    name = \"b\"\n    urgency = \"hihg\"\n    [filter.trigger]\n"
            ),
        )
        .args(&["lint", "--format", "github"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    let (commands, log) = as_github_reads(&out.stdout);
    assert_eq!(
        commands,
        [
            "::error file=filters/a.toml,line=11,col=11,title=lint::unknown urgency `hihg` (in filter #2 \"b\")%0Ahelp: use \"high\" or \"low\" (any case), or a priority \"P1\" to \"P5\"",
        ]
    );
    assert_eq!(log.last().unwrap(), "1 error, 0 warnings in 1 filter file");

    let out = Test::in_temp()
        .file("filters/a.toml", NAMED)
        .args(&["lint", "--filters", "filters", "--format", "github"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    let (commands, _) = as_github_reads(&out.stdout);
    assert_eq!(commands.len(), 1, "{commands:?}");
    // The filter's name holds `%`, `,` and `:`: escaped in the message as GitHub reads it back.
    assert!(
        commands[0].starts_with("::warning file=filters/a.toml,line=5,col="),
        "{commands:?}"
    );
    assert!(
        commands[0].contains("(in filter #1 \"50%25, really: down\")"),
        "{commands:?}"
    );
}

#[test]
fn nothing_a_payload_or_case_file_holds_becomes_a_command_or_shows_a_token() {
    // A case named to inject commands, and a payload value that tries it too, with a token in it.
    let out = Test::in_temp()
        .file(
            "filters/a.toml",
            r#"
            [[filter]]
            urgency = "high"
            [filter.trigger]
            conditions = [{ key = "status", contains = ["firing"] }]
            title_from = "title"
            "#,
        )
        .file(
            "samples/cases.toml",
            r#"
            [[case]]
            name = "x\n::add-mask::y\n::error file=evil::z"
            body = '{"status": "firing", "title": "t\n::warning::w Bearer abcdefghijklmnop0123"}'
            expect = { code = 201, title = "t" }
            "#,
        )
        .args(&["test", "--format", "github"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    let (commands, log) = as_github_reads(&out.stdout);
    assert_eq!(commands.len(), 1, "{commands:?}");
    assert!(
        commands[0].starts_with(
            "::error file=samples/cases.toml,line=4,title=case \"x%0A%3A%3Aadd-mask%3A%3Ay%0A%3A%3Aerror file=evil%3A%3Az\" failed::"
        ),
        "{commands:?}"
    );
    // The actual title is in the diff, in the log and in the annotation, its token hidden in both.
    assert_eq!(
        out.stdout.matches("Bearer ***").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("abcdefghijklmnop0123"),
        "{}",
        out.stdout
    );
    assert!(
        log.iter().all(|l| !l.trim_start().starts_with("::")),
        "{log:?}"
    );
}

/// The commands of the README's CI jobs and of `.pre-commit-hooks.yaml`, as those systems run them:
/// each must pass on the shipped project, so the recipes cannot rot.
#[test]
fn the_ci_recipes_and_pre_commit_hooks_pass_on_the_shipped_project() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme.find("\n## In CI\n").expect("an In CI section");
    let section = &readme[start..start + readme[start..].find("\n## Editors").unwrap()];
    let mut commands: Vec<String> = section
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            l.strip_prefix("- run: ").or_else(|| l.strip_prefix("- "))
        })
        .filter(|c| c.starts_with("sqibs-filter "))
        .map(str::to_owned)
        .collect();
    assert_eq!(commands.len(), 4, "{commands:?}");
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let mut entries = 0;
    for block in hooks.split("\n- id: ").skip(1) {
        let field = |name: &str| {
            block
                .lines()
                .find_map(|l| l.trim().strip_prefix(name))
                .unwrap_or_else(|| panic!("no {name} in {block}"))
                .trim()
                .to_owned()
        };
        assert_eq!(field("language:"), "rust");
        let mut entry = field("entry:");
        if field("pass_filenames:") == "true" {
            // pre-commit appends the changed files that match `files`.
            let files = field("files:");
            assert_eq!(files, r"(^|/)filters/.*\.toml$");
            entry.push_str(" filters/tigera.toml filters/sedai.toml");
        }
        commands.push(entry);
        entries += 1;
    }
    assert_eq!(entries, 2);
    let junit = std::env::temp_dir().join(format!("sqibs-ci-{}.xml", std::process::id()));
    for command in &commands {
        let command = command.replace("report.xml", junit.to_str().unwrap());
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let out = Test::new().args(&args).output();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{command}\n{}",
            out.stdout
        );
    }
    let _ = std::fs::remove_file(junit);
}
