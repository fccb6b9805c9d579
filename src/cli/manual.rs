//! What the command-line definition gives outside the program: shell completion scripts and the manual
//! page, both built from the same clap definition as `--help`, so they never fall behind it.

use super::{Args, help};
use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, roman};
use std::io::{self, Write};

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) -> io::Result<()> {
    let mut command = Args::command();
    let name = command.get_name().to_owned();
    // clap_complete writes through a `Write` it cannot report errors from; a buffer keeps a failed
    // write (a closed pipe) an error of ours.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name.clone(), &mut script);
    if shell == Shell::Bash {
        script = mend_bash(script, &name);
    }
    out.write_all(&script)
}

/// clap_complete's bash script sets `cmd="sqibs__filter__subcmd__test"` but names the branch that
/// completes `test`'s flags `sqibs__subcmd__filter__subcmd__test`: a program name with a hyphen
/// spells differently in the two places, and no subcommand's flags complete. One spelling mends it.
fn mend_bash(script: Vec<u8>, name: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&script);
    let wrong = format!("{}__subcmd__", name.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", name.replace('-', "__"));
    text.replace(&wrong, &right).into_bytes()
}

/// Writes one manual page (roff, section 1) for the program and every command: the top-level page,
/// then a section per command with its synopsis, description, options, examples and exit codes.
pub fn man_page(out: &mut dyn Write) -> io::Result<()> {
    let command = Args::command();
    let name = command.get_name().to_owned();
    let mut page = Vec::new();
    let top = clap_mangen::Man::new(command.clone());
    top.render_title(&mut page)?;
    top.render_name_section(&mut page)?;
    top.render_synopsis_section(&mut page)?;
    top.render_description_section(&mut page)?;
    top.render_options_section(&mut page)?;
    let commands: Vec<&clap::Command> = command
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    // clap_mangen's own list points to one page per command; this page holds them all.
    let mut list = Roff::new();
    list.control("SH", ["COMMANDS"]);
    for sub in &commands {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        list.control("TP", [])
            .text([bold(format!("{name} {}", sub.get_name()))])
            .text([roman(about)]);
    }
    list.to_writer(&mut page)?;
    for sub in commands {
        let full = format!("{name} {}", sub.get_name());
        writeln!(page, ".SH \"{}\"", full.to_uppercase())?;
        let man = clap_mangen::Man::new(sub.clone().bin_name(full));
        let mut section = Vec::new();
        man.render_synopsis_section(&mut section)?;
        man.render_description_section(&mut section)?;
        man.render_options_section(&mut section)?;
        // The command's own headings become subsections of its section.
        page.extend(demote_headings(&section));
        tail(sub.get_name()).to_writer(&mut page)?;
    }
    let mut status = Roff::new();
    status.control("SH", ["EXIT STATUS"]);
    status.text([roman(
        "Each command's section above says what the codes mean for it.",
    )]);
    exit_rows(&mut status, help::GENERAL);
    status.to_writer(&mut page)?;
    top.render_version_section(&mut page)?;
    out.write_all(&page)
}

/// A command's examples and exit codes, as subsections: the same table `--help` shows.
fn tail(command: &str) -> Roff {
    let mut roff = Roff::new();
    let examples = help::EXAMPLES
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(&[][..], |(_, examples)| examples);
    if !examples.is_empty() {
        roff.control("SS", ["EXAMPLES"]);
        for example in examples {
            roff.control("TP", [])
                .text([roman(example.what)])
                .control("nf", [])
                .text([bold(example.line)])
                .control("fi", []);
        }
    }
    let codes = help::EXIT_CODES.iter().find(|c| c.command == command);
    if let Some(codes) = codes {
        roff.control("SS", ["EXIT STATUS"]);
        exit_rows(&mut roff, codes.rows);
    }
    roff
}

fn exit_rows(roff: &mut Roff, rows: &[(u8, &str)]) {
    for (code, meaning) in rows {
        roff.control("TP", [])
            .text([bold(code.to_string())])
            .text([roman(*meaning)]);
    }
}

/// `.SH` headings turned into `.SS`, so that one command's parts sit under its own heading.
fn demote_headings(roff: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(roff.len());
    for line in roff.split_inclusive(|&b| b == b'\n') {
        match line.strip_prefix(b".SH ") {
            Some(rest) => {
                out.extend_from_slice(b".SS ");
                out.extend_from_slice(rest);
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_demoted_and_nothing_else_changes() {
        let roff = b".SH SYNOPSIS\n\\fBx\\fR .SH\n.SHX\n";
        assert_eq!(
            demote_headings(roff),
            b".SS SYNOPSIS\n\\fBx\\fR .SH\n.SHX\n"
        );
    }

    #[test]
    fn every_shell_gets_a_script_naming_the_program() {
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Fish,
            Shell::PowerShell,
            Shell::Elvish,
        ] {
            let mut out = Vec::new();
            completions(shell, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                text.contains("sqibs-filter") && text.contains("replay"),
                "{shell}"
            );
        }
    }
}
