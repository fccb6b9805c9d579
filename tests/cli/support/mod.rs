//! The test builder: runs the binary in an isolated environment and compares all three results at once,
//! printing a diff on mismatch. Expected outputs are snapbox data, `str![...]` in the test source, so
//! that `SNAPSHOTS=overwrite cargo test` rewrites the ones that differ in place.

pub mod serve;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use snapbox::assert::{Action, DEFAULT_ACTION_ENV};
use snapbox::{Data, IntoData};

/// One run of the binary, built up and then asserted.
#[must_use = "a Test does nothing until .expect() or .output() is called"]
pub struct Test {
    args: Vec<String>,
    stdin: Vec<u8>,
    env: Vec<(String, String)>,
    dir: PathBuf,
}

/// What a run produced.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

impl Test {
    /// A run from the repository root, where `filters/` and `samples/` are.
    pub fn new() -> Test {
        Test {
            args: Vec::new(),
            stdin: Vec::new(),
            env: Vec::new(),
            dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        }
    }

    /// A run in a fresh empty folder of its own.
    pub fn in_temp() -> Test {
        let n = NEXT_DIR.fetch_add(1, Ordering::SeqCst);
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // A repository root of its own: the tool looks no further up for a filters/ folder (this one
        // lies inside the project's, whose filters/ it would find).
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        Test { dir, ..Test::new() }
    }

    /// A run in an existing folder (a fresh run where an earlier one left files).
    pub fn at(dir: &Path) -> Test {
        Test {
            dir: dir.to_owned(),
            ..Test::new()
        }
    }

    /// The folder the run happens in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn stdin(mut self, input: impl AsRef<[u8]>) -> Test {
        self.stdin = input.as_ref().to_vec();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Writes `contents` (unindented) to `name` inside the run's folder.
    pub fn file(self, name: &str, contents: &str) -> Test {
        self.raw_file(name, unindent(contents).as_bytes())
    }

    /// Writes `contents` as they are to `name` inside the run's folder.
    pub fn raw_file(self, name: &str, contents: &[u8]) -> Test {
        let path = self.dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Runs the binary with a cleared environment (no NO_COLOR, TERM or SQIBS_* leaking in).
    pub fn output(self) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sqibs-filter"))
            .args(&self.args)
            .current_dir(&self.dir)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let input = self.stdin.clone();
        let writer = std::thread::spawn(move || {
            // The binary may stop reading early; a broken pipe here is not the test's concern.
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts exit code, standard output and standard error at once. In both outputs the
    /// repository's root reads `[ROOT]`. A wrong exit code fails even under `SNAPSHOTS=overwrite`: it is
    /// a plain int, edited by hand.
    #[track_caller]
    pub fn expect(self, code: i32, stdout: impl IntoData, stderr: impl IntoData) -> Output {
        self.expect_normalised(|text| text.to_owned(), code, stdout, stderr)
    }

    /// [`Test::expect`], with `normalise` applied to the standard output first: for output that varies
    /// from run to run. What overwrite writes is the normalised text.
    #[track_caller]
    pub fn expect_normalised(
        self,
        normalise: impl Fn(&str) -> String,
        code: i32,
        stdout: impl IntoData,
        stderr: impl IntoData,
    ) -> Output {
        let args = self.args.join(" ");
        let out = self.output();
        // Both are compared (and, on overwrite, rewritten) before either fails the test, so that one
        // overwrite run fixes them both.
        let stdout_diff = compare(&without_root(&normalise(&out.stdout)), stdout.into_data());
        let stderr_diff = compare(&without_root(&out.stderr), stderr.into_data());
        if out.code != code || stdout_diff.is_some() || stderr_diff.is_some() {
            let as_expected = || "(as expected)\n".to_string();
            panic!(
                "sqibs-filter {args}\nexit code: expected {code}, got {}\n--- stdout\n{}--- stderr\n{}",
                out.code,
                stdout_diff.unwrap_or_else(as_expected),
                stderr_diff.unwrap_or_else(as_expected)
            );
        }
        out
    }
}

/// Asserts that `actual` is the expected text, compared (and under `SNAPSHOTS=overwrite` rewritten) as
/// [`Test::expect`] compares outputs: for text that is not one run's output, such as a server's.
#[track_caller]
pub fn assert_text(actual: &str, expected: impl IntoData) {
    if let Some(diff) = compare(&without_root(actual), expected.into_data()) {
        panic!("{diff}");
    }
}

/// Runs given absolute paths into the repository print them: `[ROOT]` stands for its root, so that
/// expectations do not depend on where the repository is checked out.
fn without_root(text: &str) -> String {
    text.replace(concat!(env!("CARGO_MANIFEST_DIR"), "/"), "[ROOT]/")
}

/// `None` if `actual` is exactly the expected text. Else, under `SNAPSHOTS=overwrite`, the expectation
/// is rewritten where it is written (the test source for `str!`, the file for `file!`) and `None`
/// returned; otherwise a diff, headed by where the expectation is.
///
/// The comparison is exact: snapbox's own (`Assert::eq`) would apply its default filters, which read
/// `...` and `[..]` in an expectation as wildcards and turn backslashes into slashes, and even with
/// `Data::raw` it would take CRLF for LF.
fn compare(actual: &str, expected: Data) -> Option<String> {
    // `None` for an expectation that cannot be read as text, a missing `file!` for one.
    let want = expected.render();
    if want.as_deref() == Some(actual) {
        return None;
    }
    let diff = match &want {
        Some(want) => diff(want, actual),
        None => format!("{expected}\n{}", diff("", actual)),
    };
    let Some(source) = expected.source() else {
        // Built at run time: only an edit of the test changes it.
        return Some(diff);
    };
    if Action::with_env_var(DEFAULT_ACTION_ENV) != Some(Action::Overwrite) {
        return Some(format!(
            "{source}\n{diff}(rewrite with {DEFAULT_ACTION_ENV}=overwrite)\n"
        ));
    }
    match Data::text(actual).write_to(source) {
        Ok(()) => None,
        Err(e) => Some(format!("{source}: cannot overwrite: {e}\n{diff}")),
    }
}

fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .header("expected", "actual")
        .to_string()
}

/// Removes the common leading indentation and the first line break, so that expected text can be
/// written indented in a raw string.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            out.push_str(line.trim_start_matches([' ', '\t']));
        } else {
            out.push_str(&line[indent..]);
        }
    }
    // A closing line of only indentation ends the text.
    let trimmed = out.trim_end_matches([' ', '\t']);
    trimmed.to_string()
}

/// Runs the binary and samples its peak resident memory while it runs, in MiB.
pub fn peak_memory(dir: &Path, args: &[&str]) -> (i32, u64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sqibs-filter"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            let hwm = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok());
            peak_kib = peak_kib.max(hwm.unwrap_or(0));
        }
        if let Some(exit) = child.try_wait().unwrap() {
            return (exit.code().unwrap_or(-1), peak_kib / 1024);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Every line of JSON Lines output, parsed; each line must be exactly one JSON value.
#[track_caller]
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `name`, a program a test drives for real; a test whose program is missing fails saying so, never
/// passes without it.
#[track_caller]
pub fn tool(name: &str) -> &str {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{name} is not installed: this test needs it (.ci/run installs it)"
    );
    name
}

/// Makes `name` (a path inside `dir`) a chain of nested folders too deep to list, with `file` at the
/// bottom, and returns the bottom folder's path relative to `dir`: that path is longer than Linux takes
/// (4096 bytes), so listing it fails whoever runs the tests, root included (for whom `chmod 000` denies
/// nothing). Built from the bottom up, so that no path used here is long.
#[cfg(target_os = "linux")]
pub fn too_deep_to_list(dir: &Path, name: &str, file: &str) -> String {
    let level = "d".repeat(255);
    let mut built = dir.join("deep-0");
    std::fs::create_dir(&built).unwrap();
    std::fs::write(built.join(file), "").unwrap();
    for i in 1..16 {
        let next = dir.join(format!("deep-{i}"));
        std::fs::create_dir(&next).unwrap();
        std::fs::rename(&built, next.join(&level)).unwrap();
        built = next;
    }
    let top = dir.join(name);
    std::fs::create_dir_all(&top).unwrap();
    std::fs::rename(&built, top.join(&level)).unwrap();
    let bottom = format!("{name}{}", format!("/{level}").repeat(16));
    assert!(bottom.len() > 4096 && bottom.len() - level.len() - 1 < 4096);
    bottom
}
