//! `replay --cases`: the captured traffic written as a case file. One scenario holds the requests in
//! order as its steps, each body inline as a TOML string that reads back exactly; the case file is
//! then run as `test --bless` runs it, and the actions and the incidents left open are written in by
//! bless's own writer, so that `test` passes on it at once. Tokens are never written: bless refuses a
//! value that holds one, and steps carry none.

use crate::secrets::Kind;
use crate::semantics::SemanticsLayer;
use crate::suite::{self, LoadOptions, ServiceCache, bless, run_case};
use anyhow::{Context, Result, bail};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// One request as captured: its body as Callgoose sees it, and its `from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub body: String,
    pub from: Option<String>,
    /// What secret the body holds, by the run's tokens and the request's own.
    pub secret: Option<Kind>,
}

/// Fails when `out` exists: `--cases` never overwrites a file.
pub fn refuse_existing(out: &Path) -> Result<()> {
    if std::fs::symlink_metadata(out).is_ok() {
        bail!(
            "{} exists: --cases never overwrites a file; remove it or name another",
            out.display()
        );
    }
    Ok(())
}

/// Writes the case file for `steps`, replayed through `service` of the filter file `filters`, to
/// `out`, which must not exist.
pub fn write(out: &Path, filters: &Path, service: &str, steps: &[Captured]) -> Result<()> {
    let cannot = || format!("cannot write {}", out.display());
    if let Some((i, kind)) = steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| s.secret.map(|k| (i, k)))
    {
        bail!(
            "{}: request #{} carries {} in its body, and a case file never holds a secret",
            cannot(),
            i + 1,
            kind.describe()
        );
    }
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = std::fs::canonicalize(&dir).with_context(cannot)?;
    let filters = std::fs::canonicalize(filters)
        .with_context(|| format!("cannot find the filters {}", filters.display()))?;
    let draft = draft(&dir, &filters, service, steps);
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.replaying", std::process::id()));
    let result = finish(out, &temp, &draft);
    let _ = std::fs::remove_file(&temp);
    result.with_context(cannot)
}

/// Runs the draft at `temp` as `test --bless` would, blesses it and puts it at `out`.
fn finish(out: &Path, temp: &Path, draft: &str) -> Result<()> {
    std::fs::write(temp, draft)?;
    let current_dir = std::env::current_dir().context("cannot find the current folder")?;
    let options = LoadOptions {
        default_filters: temp,
        semantics: SemanticsLayer::default(),
        bless: true,
        current_dir: &current_dir,
        allow_outside: false,
    };
    let file = suite::load_case_file(temp, &options, &mut ServiceCache::new(Vec::new()))?;
    let ran: Vec<_> = file.cases.iter().map(|c| (c, run_case::run(c))).collect();
    for (case, ran) in &ran {
        if let Some((field, kind)) = bless::secret(case, ran, case.secrets.mask(None)) {
            bail!(
                "its `{field}` would hold {}, and a case file never holds a secret",
                kind.describe()
            );
        }
    }
    let pairs: Vec<_> = ran.iter().map(|(c, r)| (*c, r)).collect();
    let (text, _) = bless::bless(draft, &pairs)?;
    std::fs::write(temp, text)?;
    // A hard link never replaces a file: `out` appears whole, or not at all when it exists.
    match std::fs::hard_link(temp, out) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            bail!("{} exists: --cases never overwrites a file", out.display())
        }
        Err(_) => {
            refuse_existing(out)?;
            Ok(std::fs::rename(temp, out)?)
        }
    }
}

/// The case file without its expectations.
fn draft(dir: &Path, filters: &Path, service: &str, steps: &[Captured]) -> String {
    let mut text = String::new();
    // Looked for up to the repository root, as the filters are: a schema above it is another
    // project's.
    let project: Vec<&Path> = {
        let mut up = Vec::new();
        for a in dir.ancestors() {
            up.push(a);
            if a.join(".git").exists() {
                break;
            }
        }
        up
    };
    if let Some(schema) = project
        .iter()
        .map(|a| a.join("schema/cases.schema.json"))
        .find(|p| p.is_file())
    {
        text += &format!("#:schema {}\n", relative(dir, &schema).display());
    }
    text += "# Captured traffic, written by `sqibs-filter replay --cases`: the requests in order, and the\n";
    text += "# actions they took as expectations. Tokens are not written.\n";
    text += &format!(
        "filters = {}\n\n",
        string(&relative(dir, filters).to_string_lossy())
    );
    let from = steps.first().and_then(|s| s.from.clone());
    let one_from = steps.iter().all(|s| s.from == from);
    text += "[[scenario]]\n";
    text += &format!(
        "name = {}\n",
        string(&format!(
            "captured traffic: {} request{}",
            steps.len(),
            if steps.len() == 1 { "" } else { "s" }
        ))
    );
    text += &format!("service = {}\n", string(service));
    if let (true, Some(from)) = (one_from, &from) {
        text += &format!("from = {}\n", string(from));
    }
    for step in steps {
        text += "[[scenario.step]]\n";
        if let (false, Some(from)) = (one_from, &step.from) {
            // A scenario has one `from`: a step's own is kept as a note.
            text += &format!("# captured with from = {}\n", string(from));
        }
        text += &format!("body = {}\n", string(&step.body));
    }
    text
}

/// `s` as a TOML string that reads back exactly.
fn string(s: &str) -> String {
    toml_edit::Value::from(s)
        .to_string()
        .trim_start()
        .to_owned()
}

/// `to` relative to the folder `from`, both absolute.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for c in &to[common..] {
        path.push(c);
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_back_exactly() {
        for body in [
            "",
            "plain",
            "it's \"quoted\"",
            "a\\b",
            "l1\nl2\r\n",
            "\u{e9}\u{1f600}\t\u{7f}",
            "'''\"\"\"",
        ] {
            let text = format!("b = {}\n", string(body));
            let doc: toml::Table = text.parse().unwrap();
            assert_eq!(doc["b"].as_str(), Some(body), "{text}");
        }
    }

    #[test]
    fn paths_are_relative_to_the_folder() {
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/c/f.toml")),
            Path::new("../c/f.toml")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/f.toml")),
            Path::new("f.toml")
        );
    }
}
