//! What `--help` says after the options: each command's real examples and the exit codes that apply
//! to it, from one table. The README's exit-code table says the same; a test keeps them in step, and
//! another runs every example that works on the shipped `filters/` and `samples/`.

use std::fmt::Write;

/// An example command line and what it shows.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// The command line, as typed in a shell at the repository root.
    pub line: &'static str,
    /// What it does, in a few words.
    pub what: &'static str,
}

/// The exit codes one command can end with, and what each means for it.
#[derive(Debug, Clone, Copy)]
pub struct ExitCodes {
    /// The command's name.
    pub command: &'static str,
    /// `(code, meaning)`, only the codes the command uses.
    pub rows: &'static [(u8, &'static str)],
}

/// Every command's exit codes, in `--help` order.
pub const EXIT_CODES: &[ExitCodes] = &[
    ExitCodes {
        command: "check",
        rows: &[
            (0, "at least one request made Callgoose act (201 or 200)"),
            (1, "every request was discarded (202)"),
            (
                2,
                "usage error, bad filter file, or an input that could not be read",
            ),
        ],
    },
    ExitCodes {
        command: "test",
        rows: &[
            (0, "every case passed"),
            (
                1,
                "a case failed, or a part is uncovered under --deny-uncovered",
            ),
            (2, "usage error, bad case or filter file, or no case files"),
        ],
    },
    ExitCodes {
        command: "lint",
        rows: &[
            (0, "no error finding"),
            (1, "error findings (or warnings under --deny warnings)"),
            (
                2,
                "usage error, or lint could not run (a path that does not exist)",
            ),
        ],
    },
    ExitCodes {
        command: "replay",
        rows: &[
            (0, "replayed"),
            (1, "--diff-filters found changed outcomes"),
            (
                2,
                "usage error, bad filter file, or an input that could not be read",
            ),
        ],
    },
    ExitCodes {
        command: "serve",
        rows: &[
            (0, "stopped by Ctrl-C or SIGTERM, after the summary"),
            (
                2,
                "usage error, bad filter file, an address it cannot listen on, or a record file it cannot write",
            ),
        ],
    },
    ExitCodes {
        command: "init",
        rows: &[
            (0, "the template was written (or listed)"),
            (
                2,
                "usage error, a file there with other content (without --force), or an unwritable folder",
            ),
        ],
    },
    ExitCodes {
        command: "suggest",
        rows: &[
            (0, "a filter file was proposed"),
            (
                1,
                "written, but a part is missing: no key tells firing from resolved, or no mapping key",
            ),
            (
                2,
                "usage error, a sample that is unreadable or not a JSON object, or an output that exists",
            ),
        ],
    },
    ExitCodes {
        command: "schema",
        rows: &[(0, "printed"), (2, "usage error")],
    },
    ExitCodes {
        command: "completions",
        rows: &[
            (0, "printed"),
            (2, "usage error (a shell it has no script for)"),
        ],
    },
    ExitCodes {
        command: "man",
        rows: &[(0, "printed"), (2, "usage error")],
    },
];

/// Every command's examples.
pub const EXAMPLES: &[(&str, &[Example])] = &[
    (
        "check",
        &[
            Example {
                line: "sqibs-filter check samples/tigera/firing.json",
                what: "the incident one body makes",
            },
            Example {
                line: "sqibs-filter check --explain --service tigera samples/tigera",
                what: "why each filter fired or not, for every body in a folder",
            },
            Example {
                line: "pbpaste | sqibs-filter check --format json",
                what: "a body copied from Callgoose's API log, as JSON",
            },
        ],
    ),
    (
        "test",
        &[
            Example {
                line: "sqibs-filter test",
                what: "every case file under samples/",
            },
            Example {
                line: "sqibs-filter test samples/tigera --name 'resolve*'",
                what: "only the matching cases of one case file",
            },
            Example {
                line: "sqibs-filter test --deny-uncovered --format github --junit report.xml",
                what: "in GitHub Actions: fail on an untested filter part, annotate, write JUnit",
            },
        ],
    ),
    (
        "lint",
        &[
            Example {
                line: "sqibs-filter lint",
                what: "the filters/ folder",
            },
            Example {
                line: "sqibs-filter lint --filters filters/tigera.toml --samples samples/tigera",
                what: "one filter file, also against its sample payloads",
            },
            Example {
                line: "sqibs-filter lint --deny warnings --format github",
                what: "in GitHub Actions: warnings fail too, each annotated in the pull request",
            },
        ],
    ),
    (
        "replay",
        &[
            Example {
                line: "sqibs-filter replay samples/replay/lifecycle.jsonl",
                what: "a captured alert lifecycle, as a timeline",
            },
            Example {
                line: "sqibs-filter replay --dedup-window 5m --token \"$CALLGOOSE_TOKEN\" api-log.jsonl",
                what: "with repeats folded and tokens checked",
            },
            Example {
                line: "sqibs-filter replay --diff-filters old-filters filters samples/replay",
                what: "which requests a filter change affects",
            },
            Example {
                line: "sqibs-filter replay --service tigera --cases traffic.toml session.jsonl",
                what: "a recorded session written as a case file that `test` passes",
            },
        ],
    ),
    (
        "serve",
        &[
            Example {
                line: "sqibs-filter serve --record session.jsonl",
                what: "stand in for Callgoose on 127.0.0.1:8080, recording every request",
            },
            Example {
                line: "sqibs-filter serve --token \"$CALLGOOSE_TOKEN\" --dedup-window 5m",
                what: "with tokens checked and repeats folded, as Callgoose does",
            },
            Example {
                line: "sqibs-filter replay session.jsonl",
                what: "the recorded session, replayed as the server answered it",
            },
        ],
    ),
    (
        "init",
        &[
            Example {
                line: "sqibs-filter init --list",
                what: "the templates: Alertmanager, Grafana, Datadog, Azure Monitor, CloudWatch, ...",
            },
            Example {
                line: "sqibs-filter init --template alertmanager monitoring",
                what: "a project in monitoring/ that `sqibs-filter test` passes at once",
            },
        ],
    ),
    (
        "suggest",
        &[
            Example {
                line: "sqibs-filter suggest samples/tigera/firing.json samples/tigera/resolved.json",
                what: "a filter file from a firing and a resolved payload, each choice explained",
            },
            Example {
                line: "sqibs-filter suggest -o filters/mine.toml --cases samples/mine.cases.toml firing.json resolved.json",
                what: "written to the project, with a case file that passes at once",
            },
        ],
    ),
    (
        "schema",
        &[
            Example {
                line: "sqibs-filter schema filters > filters.schema.json",
                what: "the schema of filter files, for an editor",
            },
            Example {
                line: "sqibs-filter schema cases",
                what: "the schema of case files",
            },
        ],
    ),
    (
        "completions",
        &[
            Example {
                line: "sqibs-filter completions bash > ~/.local/share/bash-completion/completions/sqibs-filter",
                what: "bash",
            },
            Example {
                line: "sqibs-filter completions zsh > ~/.zfunc/_sqibs-filter",
                what: "zsh (with ~/.zfunc in fpath)",
            },
            Example {
                line: "sqibs-filter completions fish > ~/.config/fish/completions/sqibs-filter.fish",
                what: "fish",
            },
        ],
    ),
    (
        "man",
        &[
            Example {
                line: "sqibs-filter man > ~/.local/share/man/man1/sqibs-filter.1",
                what: "install the page for `man sqibs-filter`",
            },
            Example {
                line: "sqibs-filter man | man -l -",
                what: "read it at once",
            },
        ],
    ),
];

/// The text after a command's options: its examples, then its exit codes.
pub fn after_help(command: &str) -> String {
    let mut text = String::from("Examples:\n");
    let examples = EXAMPLES
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[][..], |(_, examples)| examples);
    for example in examples {
        let _ = writeln!(text, "  # {}\n  {}", example.what, example.line);
    }
    text.push('\n');
    text.push_str(&exit_codes(command));
    text
}

/// One command's exit codes, aligned, only the codes it uses.
pub fn exit_codes(command: &str) -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning) in rows(command) {
        let _ = write!(text, "\n  {code}  {meaning}");
    }
    text
}

/// What each code means across commands; each command's `--help` says what it means for that one.
pub const GENERAL: &[(u8, &str)] = &[
    (0, "success"),
    (
        1,
        "the answer is no: every request discarded, a case failed, a lint error, changed outcomes",
    ),
    (2, "usage error, or a file or input that could not be read"),
];

/// The top-level help's table.
pub fn summary() -> String {
    let mut text = String::from("Exit codes (each command's --help says what they mean for it):");
    for (code, meaning) in GENERAL {
        let _ = write!(text, "\n  {code}  {meaning}");
    }
    text
}

fn rows(command: &str) -> &'static [(u8, &'static str)] {
    EXIT_CODES
        .iter()
        .find(|c| c.command == command)
        .map_or(&[], |c| c.rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_examples_and_codes() {
        for codes in EXIT_CODES {
            let text = after_help(codes.command);
            assert!(text.contains("Examples:\n  # "), "{}", codes.command);
            assert!(text.contains("\nExit codes:\n  0  "), "{}", codes.command);
        }
        assert_eq!(EXAMPLES.len(), EXIT_CODES.len());
    }

    #[test]
    fn a_command_shows_only_its_codes() {
        assert_eq!(
            exit_codes("schema"),
            "Exit codes:\n  0  printed\n  2  usage error"
        );
    }
}
