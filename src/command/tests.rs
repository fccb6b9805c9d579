//! How arguments become settings: colour, standard input, defaults, the readings each command
//! forces, conflicting flags.

use super::*;
use crate::filter::FromChoice;
use crate::filter::locate::Located;
use crate::secrets::Secret;
use crate::semantics::SemanticsLayer;
use crate::semantics::{Combine, EmptyMapValue, NullValues, ResolveScope};
use clap::Parser;
use std::path::PathBuf;

fn resolve(argv: &[&str], env: &Environment) -> Result<Settings> {
    let args = Args::try_parse_from(std::iter::once("sqibs-filter").chain(argv.iter().copied()))?;
    Settings::resolve(args, env)
}

fn tty() -> Environment {
    Environment {
        stdin_tty: true,
        stdout_tty: true,
        stderr_tty: true,
        ..Environment::default()
    }
}

fn check(s: &Settings) -> &CheckSettings {
    match &s.command {
        CommandSettings::Check(c) => c,
        other => panic!("not check: {other:?}"),
    }
}

#[test]
fn auto_colours_a_terminal_only() {
    let s = resolve(&["check", "x"], &tty()).unwrap();
    assert!(s.color_stdout && s.color_stderr);
    let piped = Environment {
        stdout_tty: false,
        ..tty()
    };
    let s = resolve(&["check", "x"], &piped).unwrap();
    assert!(!s.color_stdout && s.color_stderr);
}

#[test]
fn no_color_and_dumb_terminals_turn_auto_off_but_not_always() {
    for env in [
        Environment {
            no_color: true,
            ..tty()
        },
        Environment {
            dumb_terminal: true,
            ..tty()
        },
    ] {
        let s = resolve(&["check", "x"], &env).unwrap();
        assert!(!s.color_stdout && !s.color_stderr);
        let s = resolve(&["--color", "always", "check", "x"], &env).unwrap();
        assert!(s.color_stdout && s.color_stderr);
    }
}

#[test]
fn json_is_never_coloured() {
    let s = resolve(
        &["check", "--color=always", "--format", "json", "x"],
        &tty(),
    )
    .unwrap();
    assert!(!s.color_stdout);
}

#[test]
fn no_path_reads_piped_stdin_but_never_waits_on_a_terminal() {
    let piped = Environment {
        stdin_tty: false,
        ..tty()
    };
    let s = resolve(&["check"], &piped).unwrap();
    assert_eq!(check(&s).paths, [PathBuf::from("-")]);
    let e = resolve(&["check"], &tty()).unwrap_err();
    assert!(e.to_string().starts_with("no input:"), "{e}");
}

#[test]
fn semantics_flags_become_a_layer() {
    let s = resolve(
        &["check", "--case-sensitive", "--conditions", "any", "x"],
        &tty(),
    )
    .unwrap();
    let layer = check(&s).filters.semantics;
    assert_eq!(layer.case_sensitive, Some(true));
    assert_eq!(layer.conditions, Some(Combine::Any));
    let s = resolve(&["check", "--case-insensitive", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.semantics.case_sensitive, Some(false));
    let s = resolve(&["check", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.semantics, SemanticsLayer::default());
}

#[test]
fn every_reading_has_a_switch_on_every_command_that_evaluates() {
    let flags = [
        "--no-nested-keys",
        "--resolve-scope",
        "filter",
        "--null-values",
        "missing",
        "--empty-map-value",
        "none",
    ];
    let forced = SemanticsLayer {
        nested_keys: Some(false),
        resolve_scope: Some(ResolveScope::Filter),
        null_values: Some(NullValues::Missing),
        empty_map_value: Some(EmptyMapValue::None),
        ..SemanticsLayer::default()
    };
    let with = |command: &str| {
        let mut argv = vec![command];
        argv.extend(flags);
        argv.push("x");
        resolve(&argv, &tty()).unwrap().command
    };
    match with("check") {
        CommandSettings::Check(c) => assert_eq!(c.filters.semantics, forced),
        other => panic!("{other:?}"),
    }
    match with("replay") {
        CommandSettings::Replay(r) => assert_eq!(r.filters.semantics, forced),
        other => panic!("{other:?}"),
    }
    match with("test") {
        CommandSettings::Test(t) => assert_eq!(t.semantics, forced),
        other => panic!("{other:?}"),
    }
    match with("lint") {
        CommandSettings::Lint(l) => assert_eq!(l.options.semantics, forced),
        other => panic!("{other:?}"),
    }
    let mut serve = vec!["serve"];
    serve.extend(flags);
    match resolve(&serve, &tty()).unwrap().command {
        CommandSettings::Serve(s) => assert_eq!(s.filters.semantics, forced),
        other => panic!("{other:?}"),
    }
    let s = resolve(&["check", "--nested-keys", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.semantics.nested_keys, Some(true));
    assert!(resolve(&["check", "--nested-keys", "--no-nested-keys", "x"], &tty()).is_err());
    assert!(resolve(&["check", "--null-values", "nil", "x"], &tty()).is_err());
}

#[test]
fn conflicting_flags_are_usage_errors() {
    assert!(
        resolve(
            &["check", "--case-sensitive", "--case-insensitive", "x"],
            &tty()
        )
        .is_err()
    );
    assert!(resolve(&["check", "--from", "A", "--no-from", "x"], &tty()).is_err());
}

#[test]
fn test_defaults_to_the_samples_folder() {
    let s = resolve(&["test", "--case-sensitive"], &tty()).unwrap();
    let CommandSettings::Test(t) = &s.command else {
        panic!("{s:?}")
    };
    assert_eq!(t.paths, [PathBuf::from("samples")]);
    assert_eq!(t.default_filters, Located::default(None, None));
    assert_eq!(t.semantics.case_sensitive, Some(true));
}

#[test]
fn watch_clears_only_a_terminal_showing_the_human_report() {
    let test = |argv: &[&str], env: &Environment| match resolve(argv, env).unwrap().command {
        CommandSettings::Test(t) => t,
        other => panic!("{other:?}"),
    };
    assert!(test(&["test", "--watch"], &tty()).clear);
    assert!(!test(&["test", "--watch", "--format", "json"], &tty()).clear);
    let piped = Environment {
        stdout_tty: false,
        ..tty()
    };
    assert!(!test(&["test", "--watch"], &piped).clear);
}

#[test]
fn progress_only_on_a_terminal_that_does_not_show_the_report() {
    let piped = Environment {
        stdout_tty: false,
        ..tty()
    };
    assert!(piped.shows_progress());
    assert!(!tty().shows_progress());
    let quiet = Environment {
        stderr_tty: false,
        ..piped
    };
    assert!(!quiet.shows_progress());
}

#[test]
fn from_choice() {
    let s = resolve(&["check", "--from", "Grafana", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.from, FromChoice::Set("Grafana".into()));
    let s = resolve(&["check", "--no-from", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.from, FromChoice::Clear);
    // An empty `from` is no `from` parameter, whatever the files say.
    let s = resolve(&["check", "--from", "", "x"], &tty()).unwrap();
    assert_eq!(check(&s).filters.from, FromChoice::Clear);
}

#[test]
fn serve_listens_on_loopback_unless_told_and_takes_tokens_as_replay_does() {
    let serve = |argv: &[&str], env: &Environment| -> Result<Box<ServeSettings>> {
        match resolve(argv, env)?.command {
            CommandSettings::Serve(s) => Ok(s),
            other => panic!("not serve: {other:?}"),
        }
    };
    let s = serve(&["serve"], &tty()).unwrap();
    assert_eq!(s.listen, "127.0.0.1:8080".parse().unwrap());
    assert!(s.tokens.is_empty());
    let s = serve(&["serve", "--listen", "localhost:0"], &tty()).unwrap();
    assert_eq!(s.listen, "127.0.0.1:0".parse().unwrap());
    let s = serve(&["serve", "--listen", "[::1]:9000"], &tty()).unwrap();
    assert!(s.listen.ip().is_loopback());
    let env = Environment {
        tokens: Some(Secret::new("tigera=t-1 g-1")),
        ..tty()
    };
    let s = serve(&["serve"], &env).unwrap();
    assert_eq!(s.tokens, [Secret::new("tigera=t-1"), Secret::new("g-1")]);
    let blank = Environment {
        tokens: Some(Secret::new(" ")),
        ..tty()
    };
    let e = serve(&["serve"], &blank).err().unwrap();
    assert!(
        e.to_string()
            .ends_with("or unset it to accept every request without checking tokens"),
        "{e}"
    );
    assert!(serve(&["serve", "--listen", "8080"], &tty()).is_err());
    assert!(serve(&["serve", "--max-body", "0"], &tty()).is_err());
}
