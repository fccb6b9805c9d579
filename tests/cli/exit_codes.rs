//! The exit-code table of every command, one row per code, against the documented table.

use crate::support::Test;
use sqibs_filter::cli::help;

const FIRING: &str = r#"{"status": "firing", "alert_id": "a"}"#;

#[test]
fn every_command_exits_as_documented() {
    let bad_filter = "[[filter]]\nurgency = \"high\"\n";
    let cases: &[(&str, &[&str], &str, i32)] = &[
        (
            "check: a request made Callgoose act",
            &["check", "-"],
            FIRING,
            0,
        ),
        (
            "check: every request discarded",
            &["check", "-"],
            r#"{"status": "pending"}"#,
            1,
        ),
        (
            "check: an input that cannot be read",
            &["check", "missing.json"],
            "",
            2,
        ),
        (
            "check: a bad filter file",
            &["check", "-", "--filters", "bad.toml"],
            FIRING,
            2,
        ),
        (
            "check: a usage error",
            &["check", "--format", "yaml"],
            "",
            2,
        ),
        (
            "test: every case passed",
            &["test", "samples/tigera/cases.toml"],
            "",
            0,
        ),
        (
            "test: a case failed",
            &["test", "failing.cases.toml"],
            "",
            1,
        ),
        (
            "test: the suite cannot run",
            &["test", "missing.cases.toml"],
            "",
            2,
        ),
        (
            "lint: no error finding",
            &["lint", "filters/tigera.toml"],
            "",
            0,
        ),
        ("lint: an error finding", &["lint", "bad.toml"], "", 1),
        ("lint: cannot run", &["lint", "missing.toml"], "", 2),
        ("replay: replayed", &["replay", "-"], FIRING, 0),
        (
            "replay: outcomes change",
            &[
                "replay",
                "-",
                "--diff-filters",
                "filters/tigera.toml",
                "filters/sedai.toml",
            ],
            FIRING,
            1,
        ),
        (
            "replay: a line that cannot be read",
            &["replay", "-"],
            "{\"status\": tru}\n{}\n",
            2,
        ),
        (
            "serve: a bad filter file",
            &["serve", "--filters", "bad.toml", "--listen", "127.0.0.1:0"],
            "",
            2,
        ),
        (
            "serve: a usage error",
            &["serve", "--listen", "everywhere"],
            "",
            2,
        ),
        ("schema: printed", &["schema", "cases"], "", 0),
        ("schema: a usage error", &["schema", "toml"], "", 2),
    ];
    for (what, args, stdin, code) in cases {
        let out = Test::in_temp()
            .raw_file("filters/tigera.toml", &std::fs::read("filters/tigera.toml").unwrap())
            .raw_file("filters/sedai.toml", &std::fs::read("filters/sedai.toml").unwrap())
            .raw_file("samples/tigera/cases.toml", &std::fs::read("samples/tigera/cases.toml").unwrap())
            .raw_file("samples/tigera/firing.json", &std::fs::read("samples/tigera/firing.json").unwrap())
            .raw_file("samples/tigera/resolved.json", &std::fs::read("samples/tigera/resolved.json").unwrap())
            .file("bad.toml", bad_filter)
            .file(
                "failing.cases.toml",
                "filters = \"filters/tigera.toml\"\n[[case]]\nname = \"x\"\nbody = '{}'\n[case.expect]\ncode = 201\n",
            )
            .args(args)
            .stdin(*stdin)
            .output();
        assert_eq!(out.code, *code, "{what}: {}\n{}", out.stdout, out.stderr);
    }
}

#[test]
fn each_help_shows_its_own_codes_once_and_the_readme_has_the_table() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(readme.contains("| code | `check` | `test` | `lint` | `replay` | `serve` |"));
    for codes in help::EXIT_CODES {
        let out = Test::new().args(&[codes.command, "--help"]).output();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (0, ""),
            "{}",
            codes.command
        );
        let table = help::exit_codes(codes.command);
        assert_eq!(
            out.stdout.matches("Exit codes:").count(),
            1,
            "{}",
            out.stdout
        );
        assert!(
            out.stdout.ends_with(&format!("{table}\n")),
            "{}",
            out.stdout
        );
        // Only the codes that apply: `schema` never answers 1.
        let listed: Vec<u8> = codes.rows.iter().map(|(code, _)| *code).collect();
        for code in 0..=2u8 {
            let row = format!("\n  {code}  ");
            assert_eq!(
                table.contains(&row),
                listed.contains(&code),
                "{}: {code}",
                codes.command
            );
        }
    }
    assert_eq!(
        help::exit_codes("schema"),
        "Exit codes:\n  0  printed\n  2  usage error"
    );
    let out = Test::new().args(&["--help"]).output();
    assert!(
        out.stdout.ends_with(&format!("{}\n", help::summary())),
        "{}",
        out.stdout
    );
}
