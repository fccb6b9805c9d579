//! The memory `replay` holds per open incident. Bodies that `bench/filters` (service `tigera`) turn
//! into incidents that never resolve: each a firing alert with its own mapping key (`alert_id`), a
//! title from a handful of alert names, and a `timestamp` (for `--time-key timestamp`).
//!
//! - `open_incidents write N OUT`: writes N such bodies as JSON Lines, and prints the mean length of
//!   their mapping keys and titles.
//! - `open_incidents measure BIN N [REPLAY-ARG...]`: writes N such bodies, and N the same but
//!   `pending` (which open nothing: the same stream with 0 open incidents), under the target folder's
//!   `open-incidents/`, runs `BIN replay --filters bench/filters --format json` on each under
//!   `/usr/bin/time -v` (output to /dev/null), and prints both peak resident sizes and the bytes per
//!   open incident: (peak with N open - peak with 0) / N, less the mean key length (the keys' text is
//!   counted apart). Extra arguments go to `replay` (such as `--time-key timestamp`). Run from the
//!   repository root.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NAMES: [&str; 5] = [
    "Suspicious Lateral Movement",
    "DNS Exfiltration",
    "Port Scan Detected",
    "Policy Violation",
    "Threat Feed Match",
];

/// The mapping key of body `i`: `tigera-open-` and 8 digits.
fn key(i: u64) -> String {
    format!("tigera-open-{i:08}")
}

/// The title the `tigera` filter gives body `i`.
fn title(i: u64) -> String {
    format!("Tigera - {}", NAMES[(i % NAMES.len() as u64) as usize])
}

/// Writes `count` bodies of `status` to `out`; the mean key and title lengths.
fn write(count: u64, status: &str, out: &Path) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let mut file = BufWriter::new(std::fs::File::create(out)?);
    let (mut keys, mut titles) = (0u64, 0u64);
    let mut line = String::new();
    for i in 0..count {
        let (key, name) = (key(i), NAMES[(i % NAMES.len() as u64) as usize]);
        keys += key.len() as u64;
        titles += title(i).len() as u64;
        line.clear();
        write!(
            line,
            "{{\"status\":\"{status}\",\"alert_id\":\"{key}\",\"alert_name\":\"{name}\",\
             \"description\":\"Unmatched flow from pod 'frontend-{}' to 'db-internal'\",\
             \"timestamp\":{}}}",
            i % 100,
            1_776_400_000_000 + i * 1000
        )?;
        writeln!(file, "{line}")?;
    }
    file.flush()?;
    let mean = |total: u64| {
        if count == 0 {
            0.0
        } else {
            total as f64 / count as f64
        }
    };
    Ok((mean(keys), mean(titles)))
}

/// Peak resident size, in kB, of `bin replay ... path`.
fn peak_kb(bin: &str, path: &Path, extra: &[String]) -> Result<u64, Box<dyn std::error::Error>> {
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(bin)
        .args(["replay", "--filters", "bench/filters", "--format", "json"])
        .args(extra)
        .arg(path)
        .stdout(Stdio::null())
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{bin} replay failed: {stderr}").into());
    }
    stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .ok_or_else(|| format!("no peak in /usr/bin/time's output: {stderr}"))?
        .parse()
        .map_err(Into::into)
}

fn measure(bin: &str, count: u64, extra: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or(PathBuf::from("target"), PathBuf::from);
    let dir = target.join("open-incidents");
    std::fs::create_dir_all(&dir)?;
    let empty = dir.join(format!("{count}-pending.jsonl"));
    let full = dir.join(format!("{count}-firing.jsonl"));
    write(count, "pending", &empty)?;
    let (key_len, title_len) = write(count, "firing", &full)?;
    let base = peak_kb(bin, &empty, extra)?;
    let peak = peak_kb(bin, &full, extra)?;
    let per = (peak.saturating_sub(base) * 1024) as f64 / count.max(1) as f64;
    let mut out = std::io::stdout();
    writeln!(
        out,
        "peak RSS: {base} kB with 0 open incidents, {peak} kB with {count}"
    )?;
    writeln!(
        out,
        "mean mapping key {key_len:.1} bytes, mean title {title_len:.1} bytes"
    )?;
    writeln!(
        out,
        "bytes per open incident: {per:.1} in all, {:.1} besides the key's text",
        per - key_len
    )?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write", count, out] => {
            let (key_len, title_len) = write(count.parse()?, "firing", Path::new(out))?;
            writeln!(
                std::io::stdout(),
                "mean mapping key {key_len:.1} bytes, mean title {title_len:.1} bytes"
            )?;
            Ok(())
        }
        ["measure", bin, count, ..] => measure(bin, count.parse()?, &args[3..]),
        _ => Err(
            "usage: open_incidents write N OUT | open_incidents measure BIN N [REPLAY-ARG...]"
                .into(),
        ),
    }
}
