//! Every hint names a command and flags that exist for the command that prints it: the flags a hint
//! mentions are looked up in the real clap definition, and every command line it suggests is parsed by it.

use crate::lint::hinted_command;
use crate::support::Test;
use clap::CommandFactory;
use sqibs_filter::cli::Args;

/// A filter on `status` containing `firing`, mapped on `id`.
const FILTER: &str = r#"
    [[filter]]
    urgency = "high"
    [filter.trigger]
    conditions = [{ key = "status", contains = ["firing"] }]
    title_from = "name"
    map_with = "id"
"#;

/// Runs `args` and checks every hint in its output against `command`'s flags and the clap definition.
/// Returns how many flags and command lines were checked, so that a test cannot pass on no hint.
#[track_caller]
fn hints_exist(t: Test, args: &[&str]) -> usize {
    checked_hints(t, args).0
}

/// [`hints_exist`], and the output it checked.
#[track_caller]
fn checked_hints(t: Test, args: &[&str]) -> (usize, String) {
    let command = args[0];
    let out = t.args(args).output();
    let text = format!("{}{}", out.stdout, out.stderr);
    let mut checked = 0;
    // Inside backticks: whole command lines (parsed) or flags of the command that printed them.
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 && part.starts_with("sqibs-filter ") {
            let words = hinted_command(&format!("`{part}`"), "");
            let parsed = <Args as clap::Parser>::try_parse_from(&words);
            assert!(
                parsed.is_ok(),
                "hint `{part}` does not parse: {parsed:?}\n{text}"
            );
            checked += 1;
            continue;
        }
        for flag in flags(part) {
            assert!(
                is_flag_of(command, flag),
                "`{command}` printed a hint with {flag}, which it does not take:\n{text}"
            );
            checked += 1;
        }
    }
    (checked, text)
}

/// The `--long-flag` words of `text`.
fn flags(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("--") && w[2..].starts_with(|c: char| c.is_ascii_lowercase()))
}

fn is_flag_of(command: &str, flag: &str) -> bool {
    let cli = Args::command();
    let sub = cli.find_subcommand(command).unwrap();
    cli.get_arguments()
        .chain(sub.get_arguments())
        .any(|a| a.get_long() == flag.strip_prefix("--"))
}

#[test]
fn a_filter_path_that_cannot_be_read_is_fixed_with_each_command_s_own_flag() {
    assert_eq!(hints_exist(Test::in_temp(), &["lint", "nope"]), 1);
    assert_eq!(
        hints_exist(Test::in_temp(), &["lint", "--filters", "nope"]),
        1
    );
    assert_eq!(
        hints_exist(
            Test::in_temp().stdin("{}"),
            &["check", "-", "--filters", "nope"]
        ),
        1
    );
    // `replay` takes --filters too, but here the path came from --diff-filters.
    let t = Test::in_temp().file("filters/a.toml", FILTER).stdin("{}");
    let (checked, text) = checked_hints(t, &["replay", "-", "--diff-filters", "filters", "nope"]);
    assert_eq!(
        (checked, text.as_str()),
        (
            1,
            "error: cannot read filters from nope: No such file or directory (os error 2): give an existing filter file or folder with --diff-filters\n"
        )
    );
    let t = Test::in_temp().file(
        "cases.toml",
        "filters = \"nope\"\n[[case]]\nname = \"c\"\nbody = '{}'\nexpect.code = 202\n",
    );
    // Once as the error, once where the summary names the case file that could not run.
    assert_eq!(hints_exist(t, &["test", "cases.toml"]), 2);
}

#[test]
fn lint_s_sample_hints_are_command_lines_that_parse() {
    let t = Test::in_temp()
        .file("filters/a.toml", FILTER)
        .file("samples/a.json", r#"{"status": "open"}"#);
    let checked = hints_exist(
        t,
        &[
            "lint",
            "--samples",
            "samples",
            "--conditions",
            "any",
            "--case-sensitive",
        ],
    );
    // The command lines of the unfired trigger and of the unhandled sample.
    assert_eq!(checked, 2);
}

#[test]
fn test_and_check_hints_name_their_own_flags() {
    let failing = "[[case]]\nname = \"c\"\nbody = '{\"status\": \"firing\"}'\nexpect.code = 202\n";
    let t = Test::in_temp()
        .file("filters/a.toml", FILTER)
        .file("cases.toml", failing);
    assert_eq!(hints_exist(t, &["test", "cases.toml"]), 1);
    let unstated = "[[case]]\nname = \"d\"\nbody = '{}'\n";
    let t = Test::in_temp()
        .file("filters/a.toml", FILTER)
        .file("cases.toml", unstated);
    assert_eq!(hints_exist(t, &["test", "cases.toml"]), 1);
    let long = format!(
        r#"{{"status": "firing", "text": "{}"}}"#,
        "word ".repeat(100)
    );
    let t = Test::in_temp().file("filters/a.toml", FILTER).stdin(long);
    assert_eq!(hints_exist(t, &["check", "-"]), 1);
}
