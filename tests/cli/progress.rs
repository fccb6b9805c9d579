//! Progress of long work on standard error: shown on a real terminal (a pseudo-terminal that `script`
//! provides) while the report goes to a file, never mixed into the report, hidden when standard
//! error is not a terminal or standard output is one.

use crate::support::{Test, tool};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_sqibs-filter");

/// A captured firing alert, one line.
const BODY: &str = r#"{"status": "firing", "alert_name": "Lateral Movement", "alert_id": "a-1", "description": "d"}"#;

/// Runs `shell_command` under `script` (so that its standard streams are a terminal unless the
/// command redirects them), feeding `fifo` with bodies in two bursts, a pause after each, so that the
/// second arrives after the quarter second progress waits for. Returns what the terminal showed.
fn on_a_terminal(dir: &Path, fifo: &Path, shell_command: &str) -> String {
    let _ = std::fs::remove_file(fifo);
    let made = Command::new(tool("mkfifo")).arg(fifo).status().unwrap();
    assert!(made.success());
    let child = Command::new(tool("script"))
        .args(["-qefc", shell_command, "/dev/null"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut feed = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
    for _ in 0..2 {
        for _ in 0..300 {
            writeln!(feed, "{BODY}").unwrap();
        }
        feed.flush().unwrap();
        std::thread::sleep(Duration::from_millis(350));
    }
    drop(feed);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{shell_command}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temp() -> (PathBuf, PathBuf) {
    let t = Test::in_temp();
    let dir = t.dir().to_owned();
    (dir.clone(), dir.join("bodies.fifo"))
}

#[test]
fn replay_and_check_show_progress_on_a_terminal_and_keep_the_report_whole() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (command, what) in [
        ("replay --format json", "requests replayed"),
        ("check --format json", "bodies checked"),
        ("replay", "requests replayed"),
    ] {
        let (dir, fifo) = temp();
        let report = dir.join("report.out");
        let shown = on_a_terminal(
            &dir,
            &fifo,
            &format!(
                "{BIN} {command} --filters {root}/filters/tigera.toml - < {} > {}",
                fifo.display(),
                report.display()
            ),
        );
        // The line is drawn, redrawn in place, and cleared at the end.
        assert!(
            shown.contains(&format!(" {what} (")),
            "{command}: {shown:?}"
        );
        assert!(shown.starts_with("\r\x1b[K"), "{command}: {shown:?}");
        assert!(shown.ends_with("\r\x1b[K"), "{command}: {shown:?}");
        let report = std::fs::read_to_string(&report).unwrap();
        assert!(
            !report.contains('\x1b') && !report.contains('\r'),
            "{report}"
        );
        if command.ends_with("json") {
            // One object per body; replay closes with one per incident left open, then a summary.
            let lines = crate::support::json_lines(&report);
            let end = match command.starts_with("replay") {
                true => 1 + lines.last().unwrap()["open"].as_u64().unwrap() as usize,
                false => 0,
            };
            assert_eq!(lines.len(), 600 + end, "{command}");
        }
    }
}

#[test]
fn no_progress_when_the_terminal_shows_the_report_or_standard_error_is_no_terminal() {
    let root = env!("CARGO_MANIFEST_DIR");
    let (dir, fifo) = temp();
    // The report on the terminal: it is the progress.
    let shown = on_a_terminal(
        &dir,
        &fifo,
        &format!(
            "{BIN} replay --format json --filters {root}/filters/tigera.toml - < {}",
            fifo.display()
        ),
    );
    assert!(!shown.contains('\x1b') && !shown.contains("requests replayed"));
    // A line per body, one per incident left open, the summary.
    let summary: serde_json::Value = serde_json::from_str(shown.lines().last().unwrap()).unwrap();
    let open = summary["open"].as_u64().unwrap() as usize;
    assert_eq!(shown.lines().count(), 601 + open);
    // Standard error redirected to a file: not a terminal, so nothing is drawn there.
    let (dir, fifo) = temp();
    let errors = dir.join("errors.out");
    on_a_terminal(
        &dir,
        &fifo,
        &format!(
            "{BIN} replay --format json --filters {root}/filters/tigera.toml - < {} > /dev/null 2> {}",
            fifo.display(),
            errors.display()
        ),
    );
    assert_eq!(std::fs::read_to_string(errors).unwrap(), "");
}
