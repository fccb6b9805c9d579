//! A running `serve`, for the tests that drive it: started on an ephemeral loopback port (the port read
//! from the URL it prints), stopped by a signal, with everything it printed.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_sqibs-filter");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// How long a server has to start or to stop before the test fails (a slow machine, never a hang).
pub const PATIENCE: Duration = Duration::from_secs(60);

/// A running `serve`.
pub struct Server {
    child: Option<Child>,
    pub port: u16,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

/// How a server ended.
pub struct Stopped {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Server {
    /// `serve ARGS --listen 127.0.0.1:0` from the repository root, once it prints its URL.
    pub fn start(args: &[&str]) -> Server {
        Server::start_with(args, &[])
    }

    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .current_dir(ROOT)
            .env_clear()
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        // Drained all along: a timeline of thousands of lines must never block the server.
        let stdout = std::thread::spawn(move || {
            let mut text = String::new();
            out.read_to_string(&mut text).unwrap();
            text
        });
        let (lines, seen) = mpsc::channel();
        let err = BufReader::new(child.stderr.take().unwrap());
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            for line in err.lines() {
                let line = line.unwrap();
                text.push_str(&line);
                text.push('\n');
                let _ = lines.send(line);
            }
            text
        });
        let mut server = Server {
            child: Some(child),
            port: 0,
            stdout: Some(stdout),
            stderr: Some(stderr),
        };
        let deadline = Instant::now() + PATIENCE;
        while server.port == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = seen.recv_timeout(left) else {
                let stopped = server.stop("KILL");
                panic!(
                    "serve printed no URL:\n{}{}",
                    stopped.stdout, stopped.stderr
                );
            };
            if let Some(rest) = line.split("give senders http://127.0.0.1:").nth(1) {
                server.port = rest.split('/').next().unwrap().parse().unwrap();
            }
        }
        server
    }

    /// `http://127.0.0.1:PORT` and `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends SIGINT (`INT`), SIGTERM (`TERM`) or SIGKILL and waits for the end.
    pub fn stop(self, signal: &str) -> Stopped {
        self.signal(signal);
        self.wait()
    }

    pub fn signal(&self, signal: &str) {
        let id = self.child.as_ref().unwrap().id();
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &id.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
    }

    /// Waits for the server to end by itself.
    pub fn wait(mut self) -> Stopped {
        let mut child = self.child.take().unwrap();
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not stop");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        Stopped {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.take().unwrap().join().unwrap(),
            stderr: self.stderr.take().unwrap().join().unwrap(),
        }
    }
}

impl Drop for Server {
    /// A test that fails leaves no server behind.
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `name` in a scratch folder of this test run, with no file there yet.
pub fn temp(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}
