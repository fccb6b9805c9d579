//! `test --watch` as a user runs it: the first run, a changed payload that re-runs only the case file
//! reading it, a changed filter file, an unrelated file that runs nothing, and Ctrl-C (SIGINT) that
//! ends the watch cleanly.

use crate::support::{Test, tool};
use snapbox::str;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running watch: what it printed so far on each stream.
struct Watching {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut t = sink.lock().unwrap();
            t.push_str(&line);
            t.push('\n');
        }
    });
    text
}

impl Watching {
    fn start(dir: &std::path::Path) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sqibs-filter"))
            .args(["test", "--watch"])
            .current_dir(dir)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        Watching {
            child,
            stdout,
            stderr,
        }
    }

    /// Waits until standard error has shown `note` `times` times in all, then returns standard output
    /// since `from` (a length of it).
    #[track_caller]
    fn after(&self, note: &str, times: usize, from: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.stderr.lock().unwrap().matches(note).count() < times {
            assert!(
                Instant::now() < deadline,
                "no {note:?} ({times}) in time\n--- stdout\n{}--- stderr\n{}",
                self.stdout.lock().unwrap(),
                self.stderr.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.stdout.lock().unwrap()[from..].to_owned()
    }

    fn stdout_len(&self) -> usize {
        self.stdout.lock().unwrap().len()
    }
}

const WATCHING: &str = "note: watching for changes";

/// Saves `text` to `path` as editors do: a new file renamed over the old one, so that the watch never
/// sees it half written (a write in place is a truncation and then the text, which a busy machine may
/// deliver as two changes, and two runs).
fn save(path: &std::path::Path, text: &str) {
    let new = path.with_extension("saving");
    std::fs::write(&new, text).unwrap();
    std::fs::rename(&new, path).unwrap();
}

#[test]
fn a_change_reruns_the_case_files_it_affects_and_ctrl_c_stops_cleanly() {
    let mut t = Test::in_temp()
        .file(
            "filters/tigera.toml",
            &std::fs::read_to_string("filters/tigera.toml").unwrap(),
        )
        .file(
            "samples/other.cases.toml",
            r#"
            filters = "../filters/tigera.toml"
            [[case]]
            name = "other: an inline firing body"
            body = '{"status": "firing", "alert_name": "A", "alert_id": "1"}'
            expect = { code = 201 }
            "#,
        );
    for name in ["firing.json", "resolved.json", "cases.toml"] {
        let path = format!("samples/tigera/{name}");
        t = t.raw_file(&path, &std::fs::read(&path).unwrap());
    }
    let dir = t.dir().to_owned();
    let mut w = Watching::start(&dir);

    let first = w.after(WATCHING, 1, 0);
    assert!(first.ends_with("5 passed, 0 failed\n"), "{first}");

    // A payload only the Tigera case file reads: that file runs again, and fails where it should.
    let mark = w.stdout_len();
    let firing = dir.join("samples/tigera/firing.json");
    let text = std::fs::read_to_string(&firing).unwrap();
    save(
        &firing,
        &text.replace("Suspicious Lateral Movement", "Renamed"),
    );
    let second = w.after(WATCHING, 2, mark);
    assert!(
        w.stderr
            .lock()
            .unwrap()
            .contains("note: samples/tigera/firing.json changed: running 1 case file\n"),
        "{}",
        w.stderr.lock().unwrap()
    );
    assert!(
        second.starts_with("FAIL  samples/tigera/cases.toml:5  "),
        "{second}"
    );
    assert!(!second.contains("other:"), "{second}");
    assert!(second.ends_with("3 passed, 1 failed\n"), "{second}");

    // The filter file both case files use: both run.
    let mark = w.stdout_len();
    let filters = dir.join("filters/tigera.toml");
    let text = std::fs::read_to_string(&filters).unwrap();
    save(&filters, &format!("{text}\n# edited\n"));
    let third = w.after(WATCHING, 3, mark);
    assert!(third.contains("other: an inline firing body"), "{third}");
    assert!(third.ends_with("4 passed, 1 failed\n"), "{third}");

    // A file no case file reads runs nothing.
    let mark = w.stdout_len();
    std::fs::write(dir.join("samples/notes.txt"), "x").unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(w.stdout_len(), mark);

    let pid = w.child.id().to_string();
    // As Ctrl-C in a terminal sends it.
    let sent = Command::new(tool("sh"))
        .args(["-c", &format!("kill -INT {pid}")])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = w.child.wait().unwrap();
    w.after("note: watch stopped", 1, 0);
    assert_eq!(status.code(), Some(0), "{}", w.stderr.lock().unwrap());
    let stderr = w.stderr.lock().unwrap().clone();
    assert!(stderr.ends_with("note: watch stopped\n"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn watch_and_bless_do_not_go_together() {
    Test::new().args(&["test", "--watch", "--bless"]).expect(
        2,
        str![""],
        str![[r#"
error: the argument '--watch' cannot be used with '--bless'

Usage: sqibs-filter test --watch [PATH]...

For more information, try '--help'.

"#]],
    );
}
