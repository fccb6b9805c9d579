//! What users of other Rust CLIs expect: shell completions that really complete in bash and fish, a
//! man page that groff reads without a warning, help examples that run, and the filters/ folder
//! found from a subfolder of the project.

use crate::support::{Test, tool};
use snapbox::str;
use sqibs_filter::cli::help;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sqibs-filter");

fn shell(program: &str, script: &str) -> (i32, String, String) {
    let out = Command::new(tool(program))
        .arg("-c")
        .arg(script)
        .env("BIN", BIN)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bash_completes_commands_flags_and_values() {
    let complete = |words: &str| {
        let script = format!(
            r#"source <("$BIN" completions bash) || exit 9
            COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
            _sqibs__filter sqibs-filter "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
            printf '%s\n' "${{COMPREPLY[@]}}""#
        );
        shell("bash", &script)
    };
    let (code, out, err) = complete("sqibs-filter re");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "replay\n", ""));
    let (code, out, err) = complete("sqibs-filter test --deny-u");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "--deny-uncovered\n", "")
    );
    let (code, out, err) = complete("sqibs-filter check --conditions ''");
    assert_eq!((code, out.as_str(), err.as_str()), (0, "all\nany\n", ""));
}

#[test]
fn fish_completes_commands() {
    let (code, out, err) = shell(
        "fish",
        r#""$BIN" completions fish | source; complete -C 'sqibs-filter li'"#,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    assert!(out.starts_with("lint\t"), "{out}");
}

#[test]
fn zsh_reads_its_script_and_every_shell_has_one() {
    let (code, out, err) = shell("zsh", r#"zsh -n <("$BIN" completions zsh)"#);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    for (shell, marker) in [
        ("zsh", "#compdef sqibs-filter"),
        ("bash", "complete -F _sqibs__filter"),
        ("fish", "complete -c sqibs-filter"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[sqibs-filter]"),
    ] {
        let out = Test::new().args(&["completions", shell]).output();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{shell}");
        assert!(out.stdout.contains(marker), "{shell}: {}", out.stdout);
    }
    Test::new().args(&["completions", "tcsh"]).expect(
        2,
        str![""],
        str![[r#"
error: invalid value 'tcsh' for '<SHELL>'
  [possible values: bash, elvish, fish, powershell, zsh]

  tip: a similar value exists: 'zsh'

For more information, try '--help'.

"#]],
    );
}

#[test]
fn the_man_page_has_every_command_and_groff_reads_it_cleanly() {
    let out = Test::new().args(&["man"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout
            .starts_with(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n.TH sqibs-filter 1"),
        "{}",
        &out.stdout[..200]
    );
    for codes in help::EXIT_CODES {
        let heading = format!(".SH \"SQIBS-FILTER {}\"", codes.command.to_uppercase());
        assert_eq!(out.stdout.matches(&heading).count(), 1, "{heading}");
    }
    for flag in [
        "\\-\\-deny\\-uncovered",
        "\\-\\-diff\\-filters",
        "\\-\\-maintenance",
        "\\-\\-samples",
    ] {
        assert!(out.stdout.contains(flag), "{flag}");
    }
    // groff warns (-ww) about every roff mistake; -z formats without printing.
    let page = std::env::temp_dir().join(format!("sqibs-man-{}.1", std::process::id()));
    std::fs::write(&page, &out.stdout).unwrap();
    let groff = Command::new(tool("groff"))
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&page)
        .output()
        .unwrap();
    assert_eq!(
        (
            groff.status.code(),
            String::from_utf8_lossy(&groff.stderr).as_ref()
        ),
        (Some(0), "")
    );
    let text = Command::new(tool("groff"))
        .args(["-man", "-Tascii", "-P-cbou"])
        .arg(&page)
        .output()
        .unwrap();
    std::fs::remove_file(&page).unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("SQIBS-FILTER REPLAY"), "{text}");
    assert!(text.contains("EXIT STATUS"));
    assert!(
        text.contains("sqibs-filter test --deny-uncovered --format github --junit report.xml"),
        "{text}"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the shipped filters and samples in a repository of its own.
fn project() -> Test {
    let t = Test::in_temp();
    for folder in ["filters", "samples"] {
        copy_tree(Path::new(folder), &t.dir().join(folder));
    }
    t
}

#[test]
fn every_help_example_that_stands_alone_runs() {
    let t = project();
    let mut ran = 0;
    for (command, examples) in help::EXAMPLES {
        for example in *examples {
            // Pipes, redirections, variables and files of the user's own are left to the reader.
            let words: Vec<&str> = example.line.split_whitespace().collect();
            // A server runs until it is stopped: tests/cli/serve.rs starts and stops it.
            let own = words.get(1) == Some(&"serve")
                || words.iter().any(|w| {
                    w.contains(['|', '>', '$'])
                        || (w.ends_with(".jsonl") || w.ends_with(".json")) && !Path::new(w).exists()
                        || *w == "old-filters"
                });
            if own {
                continue;
            }
            let args: Vec<&str> = words[1..].iter().map(|w| w.trim_matches('\'')).collect();
            let out = Test::at(t.dir()).args(&args).output();
            assert!(
                out.code == 0 && !out.stderr.contains("error"),
                "{command}: `{}` exited {}:\n{}{}",
                example.line,
                out.code,
                out.stdout,
                out.stderr
            );
            ran += 1;
        }
    }
    assert!(ran >= 9, "only {ran} examples ran");
}

#[test]
fn the_filters_folder_is_found_from_a_subfolder_of_the_project() {
    let t = project();
    let sub = t.dir().join("samples/tigera");
    let out = Test::at(&sub)
        .args(&["check", "firing.json", "--service", "tigera"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains("tigera: 201 creates an incident"),
        "{}",
        out.stdout
    );
    // --explain says which filters it used, when they are not the current folder's.
    let out = Test::at(&sub)
        .args(&["check", "firing.json", "--service", "tigera", "--explain"])
        .output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "note: filters from ../../filters (the nearest filters/ folder, from the current folder up)\n"
        )
    );
    // `test` runs the samples/ beside the filters found; `lint` lints them.
    let out = Test::at(&sub).args(&["test"]).output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("pass  ../../samples/tigera/cases.toml:5"),
        "{}",
        out.stdout
    );
    Test::at(&sub).args(&["lint"]).expect(
        0,
        str![[r#"
no findings in 2 filter files

"#]],
        str![""],
    );
}

#[test]
fn found_filters_win_over_sqibs_filters_and_the_walk_stops_at_the_repository_root() {
    let t = project();
    // Found beats the variable: the variable is a default for folders without filters.
    let out = Test::at(&t.dir().join("samples"))
        .env("SQIBS_FILTERS", "nowhere")
        .args(&["lint"])
        .output();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    // A repository inside the project has no filters/ of its own: nothing is found.
    let inner = t.dir().join("samples/inner");
    std::fs::create_dir_all(inner.join(".git")).unwrap();
    Test::at(&inner).args(&["check", "-"]).stdin("{}").expect(
        2,
        str![""],
        str![[r#"
error: cannot read filters from filters: No such file or directory (os error 2): no filters/ folder here or in a parent folder up to the repository root, and SQIBS_FILTERS is not set: give a filter file or folder with --filters

"#]],
    );
    let out = Test::at(&inner)
        .env("SQIBS_FILTERS", "../../filters/tigera.toml")
        .args(&["check", "-", "--explain"])
        .stdin(r#"{"status": "firing", "alert_id": "a"}"#)
        .output();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            0,
            "note: filters from ../../filters/tigera.toml (from SQIBS_FILTERS: no filters/ folder here or above)\n"
        )
    );
}

/// The README's map of the code names every module of the library, and nothing that is not one.
#[test]
fn the_architecture_section_names_every_module() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("\n## Architecture\n")
        .expect("an Architecture section");
    let section = &readme[start..start + readme[start + 1..].find("\n## ").unwrap()];
    let table: std::collections::BTreeSet<String> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .split(',')
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .map(|m| m.trim().trim_matches('`').to_owned())
        .collect();
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let modules: std::collections::BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            l.strip_prefix("pub mod ")
                .or_else(|| l.strip_prefix("mod "))
        })
        .map(|m| m.trim_end_matches(';').to_owned())
        .collect();
    // strict_toml is part of filter reading; the table names it in that row.
    let missing: Vec<_> = modules
        .iter()
        .filter(|m| !table.contains(*m) && !section.contains(&format!("`{m}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "modules missing from the README: {missing:?}"
    );
    let unknown: Vec<_> = table.iter().filter(|m| !modules.contains(*m)).collect();
    assert!(
        unknown.is_empty(),
        "the README names no such modules: {unknown:?}"
    );
}
