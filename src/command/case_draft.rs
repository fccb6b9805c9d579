//! Case files written by the tool (`replay --cases`, `suggest --cases`): a draft of requests (cases
//! and scenario steps, each body a payload file or inline as a TOML string that reads back exactly) is
//! run as `test --bless` runs it, and its expectations and the incidents left open are written in by
//! bless's own writer, so that `test` passes on it at once. Tokens are never written: bless refuses a
//! value that holds one, and steps carry none. The file appears whole, and never over another.

use crate::atomic_write;
use crate::secrets::Kind;
use crate::semantics::SemanticsLayer;
use crate::suite::val::Val;
use crate::suite::{self, LoadOptions, ServiceCache, bless, run_case};
use anyhow::{Context, Result, bail};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// What a drafted request sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// A payload file, referred to relative to the case file.
    File(PathBuf),
    /// The body itself.
    Inline(String),
}

/// One request of a draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// What it sends.
    pub sent: Sent,
    /// What secret the body holds, by the run's tokens and the request's own.
    pub secret: Option<Kind>,
    /// A comment written above it.
    pub note: Option<String>,
}

/// A case of a draft: one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCase {
    /// The case's name.
    pub name: String,
    /// Its request.
    pub request: Request,
}

/// A scenario of a draft: requests in order through one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftScenario {
    /// The scenario's name.
    pub name: String,
    /// The `from` of its requests.
    pub from: Option<String>,
    /// Its steps.
    pub steps: Vec<Request>,
}

/// A case file before its expectations are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The comment lines at the top, without their `# `.
    pub header: Vec<String>,
    /// The filter file the cases run against.
    pub filters: PathBuf,
    /// The service they run against.
    pub service: String,
    /// The cases.
    pub cases: Vec<DraftCase>,
    /// The scenarios.
    pub scenarios: Vec<DraftScenario>,
}

impl Draft {
    fn requests(&self) -> impl Iterator<Item = &Request> {
        let cases = self.cases.iter().map(|c| &c.request);
        cases.chain(self.scenarios.iter().flat_map(|s| &s.steps))
    }
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

/// Writes the case file `draft` describes, with its expectations, to `out`, which must not exist
/// unless `overwrite`.
pub fn write(out: &Path, draft: &Draft, overwrite: bool) -> Result<()> {
    let cannot = || format!("cannot write {}", out.display());
    if let Some((i, kind)) = draft
        .requests()
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
    let text = text(&dir, draft)?;
    let name = out.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.drafting", std::process::id()));
    let result = finish(out, &temp, &text, overwrite);
    let _ = std::fs::remove_file(&temp);
    result.with_context(cannot)
}

/// Runs the draft at `temp` as `test --bless` would, blesses it and puts it at `out`.
fn finish(out: &Path, temp: &Path, draft: &str, overwrite: bool) -> Result<()> {
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
    if overwrite {
        return Ok(atomic_write::replace(out, &text, None)?);
    }
    match atomic_write::create(out, &text) {
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            bail!("{} exists: --cases never overwrites a file", out.display())
        }
        written => Ok(written?),
    }
}

/// The case file without its expectations, for a case file in the folder `dir`.
fn text(dir: &Path, draft: &Draft) -> Result<String> {
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
    for line in &draft.header {
        text += &format!("# {line}\n");
    }
    let filters = std::fs::canonicalize(&draft.filters)
        .with_context(|| format!("cannot find the filters {}", draft.filters.display()))?;
    text += &format!(
        "filters = {}\nservice = {}\n",
        string(&relative(dir, &filters).to_string_lossy()),
        string(&draft.service)
    );
    let request = |text: &mut String, r: &Request| -> Result<()> {
        if let Some(note) = &r.note {
            *text += &format!("# {note}\n");
        }
        match &r.sent {
            Sent::Inline(body) => *text += &format!("body = {}\n", string(body)),
            Sent::File(path) => {
                let path = std::fs::canonicalize(path)
                    .with_context(|| format!("cannot find {}", path.display()))?;
                *text += &format!(
                    "payload = {}\n",
                    string(&relative(dir, &path).to_string_lossy())
                );
            }
        }
        Ok(())
    };
    for case in &draft.cases {
        text += &format!("\n[[case]]\nname = {}\n", string(&case.name));
        request(&mut text, &case.request)?;
    }
    for scenario in &draft.scenarios {
        text += &format!("\n[[scenario]]\nname = {}\n", string(&scenario.name));
        if let Some(from) = &scenario.from {
            text += &format!("from = {}\n", string(from));
        }
        for step in &scenario.steps {
            text += "[[scenario.step]]\n";
            request(&mut text, step)?;
        }
    }
    Ok(text)
}

/// `s` as a TOML string that reads back exactly.
pub fn string(s: &str) -> String {
    Val::str(s).toml_text()
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
