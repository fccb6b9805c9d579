//! `serve` end to end with a real Prometheus Alertmanager: Alertmanager is configured with the README's
//! `webhook_configs` block (only the port and token put in), an alert is posted to its API, fired and
//! then resolved, and `serve` must have created and then resolved the incident from Alertmanager's own
//! notifications, with the token checked and never recorded. The README's curl example for the same
//! filter runs too.

use crate::support::serve::{PATIENCE, ROOT, Server, temp};
use crate::support::{json_lines, tool};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary of Debian's package `prometheus-alertmanager`.
const ALERTMANAGER: &str = "prometheus-alertmanager";

/// The token `serve` knows and Alertmanager carries.
const SECRET: &str = "tok-am-4f9c2e71b8d0";

/// The README's block that follows `marker`, a fenced block's text without its fences: what the README
/// shows is what the test runs.
fn readme_block(marker: &str) -> String {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let after = readme
        .split_once(marker)
        .unwrap_or_else(|| panic!("README.md has no {marker}"))
        .1;
    let body = after
        .split_once("```")
        .unwrap()
        .1
        .split_once('\n')
        .unwrap()
        .1;
    body.split_once("```").unwrap().0.to_owned()
}

/// A port free now: the kernel picks it for a listener that is then closed. Alertmanager is given it,
/// since it cannot report a port it picked itself.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `curl -sSf ARGS`, whatever its outcome.
fn curl(args: &[&str]) -> Output {
    Command::new(tool("curl"))
        .args(["-sSf", "--max-time", "10"])
        .args(args)
        .output()
        .unwrap()
}

/// A running Alertmanager, killed when dropped, so that a failing test leaves none behind.
struct Alertmanager {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Alertmanager {
    /// Started with `config`, its state in a folder of its own, no clustering; returned once ready.
    fn start(config: &str) -> Alertmanager {
        let dir = temp("alertmanager");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("alertmanager.yml"), config).unwrap();
        // The free port may be taken by another process before Alertmanager binds it: then another.
        for attempt in 1.. {
            let mut alertmanager = Alertmanager::spawn(&dir);
            let deadline = Instant::now() + PATIENCE;
            let ready = loop {
                let ready = curl(&["-o", "/dev/null", &alertmanager.url("/-/ready")]);
                if ready.status.success() {
                    break true;
                }
                if alertmanager.child.try_wait().unwrap().is_some() {
                    break false;
                }
                if Instant::now() > deadline {
                    alertmanager.fail(&format!("Alertmanager not ready after {PATIENCE:?}"));
                }
                std::thread::sleep(Duration::from_millis(100));
            };
            if ready {
                return alertmanager;
            }
            let log = std::fs::read_to_string(&alertmanager.log).unwrap_or_default();
            if attempt == 3 || !log.contains("address already in use") {
                alertmanager.fail("Alertmanager exited before it was ready");
            }
        }
        unreachable!()
    }

    fn spawn(dir: &Path) -> Alertmanager {
        let log = dir.join("stderr.log");
        let port = free_port();
        let child = Command::new(tool(ALERTMANAGER))
            .arg(format!(
                "--config.file={}",
                dir.join("alertmanager.yml").display()
            ))
            .arg(format!("--storage.path={}", dir.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--cluster.listen-address=")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // To a file, not a pipe: Alertmanager logs all along, and nothing here reads a pipe while
            // the test waits.
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {ALERTMANAGER}: {e}"));
        Alertmanager { child, port, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Posts `alerts` (a JSON array) to the v2 API.
    fn post(&mut self, alerts: &serde_json::Value) {
        let body = alerts.to_string();
        let out = curl(&[
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            &body,
            &self.url("/api/v2/alerts"),
        ]);
        if !out.status.success() {
            self.fail(&format!(
                "Alertmanager refused the alerts {body}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }

    /// Polls `done` until it holds, failing with Alertmanager's log after [`PATIENCE`] (or sooner if it
    /// exits).
    fn wait_until(&mut self, what: &str, mut done: impl FnMut(&Alertmanager) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        while !done(self) {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.fail(&format!("Alertmanager exited ({status}) before {what}"));
            }
            if Instant::now() > deadline {
                self.fail(&format!("not {what} after {PATIENCE:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn fail(&mut self, message: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!("{message}\n--- Alertmanager's stderr\n{log}");
    }
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bodies `serve` recorded so far whose top-level `status` is `status`.
fn recorded(record: &Path, status: &str) -> usize {
    let text = std::fs::read_to_string(record).unwrap_or_default();
    // Only whole lines: the file may be read while a line is being written.
    let whole = &text[..text.rfind('\n').map_or(0, |i| i + 1)];
    json_lines(whole)
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line["body"].as_str()?).ok())
        .filter(|body| body["status"] == status)
        .count()
}

/// The alert the test fires and resolves: `endsAt` given only to resolve it.
fn alert(ends_at: Option<jiff::Timestamp>) -> serde_json::Value {
    let mut alert = serde_json::json!({
        "labels": {"alertname": "DiskFull", "instance": "db-1"},
        "annotations": {"summary": "Disk full on db-1"},
    });
    if let Some(ends_at) = ends_at {
        alert["endsAt"] = ends_at.to_string().into();
    }
    serde_json::json!([alert])
}

#[test]
fn alertmanager_fires_and_resolves_an_incident_through_serve() {
    tool(ALERTMANAGER);
    let filters = temp("alertmanager.toml");
    std::fs::write(&filters, readme_block("<!-- alertmanager.toml:")).unwrap();
    let record = temp("alertmanager.jsonl");
    let server = Server::start(&[
        "--filters",
        filters.to_str().unwrap(),
        "--token",
        SECRET,
        "--record",
        record.to_str().unwrap(),
    ]);
    let config = readme_block("<!-- alertmanager.yml:");
    assert!(config.contains("127.0.0.1:8080") && config.contains("<token>"));
    let config = config
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{}", server.port))
        .replace("<token>", SECRET);
    let mut alertmanager = Alertmanager::start(&config);

    alertmanager.post(&alert(None));
    alertmanager.wait_until("notified serve of the firing alert", |_| {
        recorded(&record, "firing") > 0
    });
    let resolved = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_secs(1))
        .unwrap();
    alertmanager.post(&alert(Some(resolved)));
    alertmanager.wait_until("notified serve of the resolved alert", |_| {
        recorded(&record, "resolved") > 0
    });
    // The same URL without the token Alertmanager carries is refused.
    let refused = curl(&[
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-X",
        "POST",
        "--data-binary",
        "{}",
        &server.url("/v1/process?from=Alertmanager"),
    ]);
    assert_eq!(String::from_utf8_lossy(&refused.stdout), "401");
    drop(alertmanager);

    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    let timeline: Vec<&str> = stopped
        .stdout
        .lines()
        .filter(|l| l.starts_with("   #"))
        .collect();
    let created = r#"201 alertmanager: created incident #1 "Alertmanager - DiskFull" [{}:{alertname="DiskFull"}]"#;
    assert!(
        timeline.first().is_some_and(|l| l.ends_with(created)),
        "{}",
        stopped.stdout
    );
    assert!(
        timeline
            .iter()
            .any(|l| l.contains("200 alertmanager: resolved incident #1 after ")),
        "{}",
        stopped.stdout
    );
    for counted in [
        "\n  incidents created               1\n",
        "\n  resolved                        1\n",
        "\n  left open                       0\n",
        "\n  unauthorized (401)              1\n",
    ] {
        assert!(stopped.stdout.contains(counted), "{}", stopped.stdout);
    }
    let recorded = std::fs::read_to_string(&record).unwrap();
    for text in [&recorded, &stopped.stdout, &stopped.stderr] {
        assert!(!text.contains(SECRET), "the token shows in:\n{text}");
    }
}

#[test]
fn the_readmes_curl_example_fires_and_resolves_with_the_alertmanager_filter() {
    let filters = temp("curl-example.toml");
    std::fs::write(&filters, readme_block("<!-- alertmanager.toml:")).unwrap();
    let server = Server::start(&["--filters", filters.to_str().unwrap(), "--token", SECRET]);
    let script = readme_block("<!-- curl:")
        .replace("127.0.0.1:8080", &format!("127.0.0.1:{}", server.port))
        .replace("<token>", SECRET);
    tool("curl");
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    // curl prints the two answers back to back, with no line between them.
    let answers: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let outcomes: Vec<(bool, bool)> = answers
        .iter()
        .map(|a| {
            (
                a["triggered"]["created"] == true,
                a["resolved"]["resolved"] == true,
            )
        })
        .collect();
    assert_eq!(outcomes, [(true, false), (false, true)]);
    let stopped = server.stop("INT");
    assert_eq!(stopped.code, 0, "{}", stopped.stderr);
    assert!(
        stopped
            .stdout
            .contains("\n  left open                       0\n"),
        "{}",
        stopped.stdout
    );
}
