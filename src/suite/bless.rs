//! `--bless`: writing actual outcomes into case files, keeping their comments and layout. Stated fields
//! that differ are rewritten in place; a case that states nothing gets a whole `[case.expect]`; a
//! scenario's steps get their actions and the incidents open at the end. Values are written as they
//! are, so that they pass on the next run; a case whose values would hold a secret is not blessed. The
//! file is replaced atomically under a lock, and only cases that still send what ran are written.

use super::run_case::Ran;
use super::val::Val;
use super::{Case, CaseBody, Field};
use crate::atomic_write;
use crate::secrets::{Kind, Mask};
use anyhow::{Context, Result, anyhow, bail};
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;
use toml_edit::{DocumentMut, Item, Table, TableLike};

/// The case file's text with the actual outcomes of `ran` written in, and how many values changed.
pub fn bless(text: &str, ran: &[(&Case, &Ran)]) -> Result<(String, usize)> {
    let mut doc: DocumentMut = text.parse().context("cannot re-read the case file")?;
    let mut changed = 0;
    for (case, ran) in ran {
        let (array, index) = match case.body {
            CaseBody::Request { .. } => ("case", case.index),
            CaseBody::Scenario { .. } => ("scenario", case.index),
        };
        let entry = doc
            .get_mut(array)
            .and_then(|a| a.as_array_of_tables_mut())
            .and_then(|a| a.get_mut(index))
            .ok_or_else(|| anyhow!("cannot find {array} #{} in the file", index + 1))?;
        let values = written(case, ran);
        changed += match case.body {
            CaseBody::Request { .. } if ran.compared.is_empty() => {
                let mut expect = Table::new();
                for (field, value) in &values {
                    expect.insert(&field.to_string(), Item::Value(value.to_edit()));
                }
                entry.insert("expect", Item::Table(expect));
                values.len()
            }
            CaseBody::Request { .. } => {
                let Some(expect) = entry.get_mut("expect").and_then(Item::as_table_like_mut) else {
                    continue;
                };
                for (field, value) in &values {
                    set(expect, &field.to_string(), value);
                }
                values.len()
            }
            CaseBody::Scenario { .. } => {
                for (field, value) in &values {
                    match field {
                        Field::Step(i) => {
                            let step = entry
                                .get_mut("step")
                                .and_then(|s| s.as_array_of_tables_mut())
                                .and_then(|s| s.get_mut(*i))
                                .ok_or_else(|| {
                                    anyhow!("cannot find step {} of the scenario", i + 1)
                                })?;
                            set(step, "expect", value);
                        }
                        _ => set(entry, &field.to_string(), value),
                    }
                }
                values.len()
            }
        };
    }
    Ok((doc.to_string(), changed))
}

/// The first value that blessing `ran` would write and that holds a secret by `mask`: its field and
/// what it holds. Such a case is not blessed: a mask in a case file could never pass, and a secret
/// must not be written.
pub fn secret(case: &Case, ran: &Ran, mask: Mask<'_>) -> Option<(Field, Kind)> {
    written(case, ran)
        .into_iter()
        .find_map(|(field, value)| value.secret(mask).map(|kind| (field, kind)))
}

/// The values blessing writes: a request case that states nothing gets its whole actual outcome;
/// otherwise every actual value that is not stated as it is.
fn written<'r>(case: &Case, ran: &'r Ran) -> Vec<(Field, &'r Val)> {
    match case.body {
        CaseBody::Request { .. } if ran.compared.is_empty() => {
            ran.actual.iter().map(|(f, v)| (*f, v)).collect()
        }
        CaseBody::Request { .. } => ran
            .compared
            .iter()
            .filter(|c| !c.holds())
            .map(|c| (c.field, &c.actual))
            .collect(),
        CaseBody::Scenario { .. } => ran
            .actual
            .iter()
            .filter(|(field, _)| !ran.compared.iter().any(|c| c.field == *field && c.holds()))
            .map(|(f, v)| (*f, v))
            .collect(),
    }
}

/// Sets `key` to `value`, keeping the comments and spacing around an existing value.
fn set(table: &mut dyn TableLike, key: &str, value: &Val) {
    let mut new = value.to_edit();
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *new.decor_mut() = old.decor().clone();
    }
    table.insert(key, Item::Value(new));
}

/// What blessing one case file did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Blessed {
    /// Values written.
    pub changed: usize,
    /// The cases not blessed because the file now says something else about what they send than what
    /// ran, by position in the cases given.
    pub stale: Vec<usize>,
}

/// Writes the outcomes of `ran` into the case file at `path`, whose text was `loaded` when the cases
/// ran, without losing what anyone wrote to it meanwhile. Under an exclusive lock on the file, its text
/// as it is now is read again, only the cases that still send what ran are blessed, and the file is
/// replaced atomically: a temporary file in the same folder, with the original's permissions, renamed
/// over it. A reader, or a crash, sees the old file or the new one, never a part of one; concurrent
/// `--bless` runs on one file take turns, each writing into what the one before wrote.
pub fn bless_file(path: &Path, loaded: &str, ran: &[(&Case, &Ran)]) -> Result<Blessed> {
    // Blessing a symbolic link writes the file it points to and keeps the link.
    let target = std::fs::canonicalize(path).context("cannot find it")?;
    let (locked, current) = lock(&target)?;
    let permissions = locked.metadata().context("cannot read it")?.permissions();
    if permissions.readonly() {
        bail!("it is read-only: make it writable to bless it");
    }
    let (fresh, stale) = unchanged(&current, loaded, ran)?;
    let mut blessed = Blessed { changed: 0, stale };
    if !fresh.is_empty() {
        let (text, changed) = bless(&current, &fresh)?;
        if text != current {
            atomic_write::replace(&target, &text, Some(permissions)).context("cannot write it")?;
        }
        blessed.changed = changed;
    }
    // Closing the file releases the lock, once the new text is in place.
    drop(locked);
    Ok(blessed)
}

/// Opens `path`, takes an exclusive lock on it and reads it. A lock waited for on a file that another
/// bless has meanwhile replaced holds nothing: the path is then opened and locked again.
fn lock(path: &Path) -> Result<(File, String)> {
    let cannot = "cannot lock it";
    loop {
        let mut file = File::open(path).context(cannot)?;
        match file.lock() {
            Ok(()) => {}
            // Where the platform or file system has no locks, blessing stays atomic but not exclusive.
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {}
            Err(e) => return Err(e).context(cannot),
        }
        let now = std::fs::metadata(path).context(cannot)?;
        if same_file(&file.metadata().context(cannot)?, &now) {
            let mut text = String::new();
            file.read_to_string(&mut text).context("cannot read it")?;
            return Ok((file, text));
        }
    }
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

/// Without inode numbers on stable Rust elsewhere, a file that another bless replaced shows as a new
/// creation or modification time, or a new size.
#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    let stamp = |m: &Metadata| (m.created().ok(), m.modified().ok(), m.len());
    stamp(a) == stamp(b)
}

/// A case with the result of running it.
type CaseRan<'a> = (&'a Case, &'a Ran);

/// Splits `ran` into the cases whose entries in `current` still send what they sent in `loaded` (the
/// text they ran from), and the positions of the others.
fn unchanged<'a>(
    current: &str,
    loaded: &str,
    ran: &[CaseRan<'a>],
) -> Result<(Vec<CaseRan<'a>>, Vec<usize>)> {
    if current == loaded {
        return Ok((ran.to_vec(), Vec::new()));
    }
    let now: toml::Table =
        toml::from_str(current).context("it no longer parses as it did when its cases ran")?;
    let then: toml::Table = toml::from_str(loaded).context("cannot re-read what its cases ran")?;
    let settings = |doc: &toml::Table| {
        let mut doc = doc.clone();
        doc.remove("case");
        doc.remove("scenario");
        doc
    };
    let same_settings = settings(&now) == settings(&then);
    let mut fresh = Vec::new();
    let mut stale = Vec::new();
    for (i, &(case, r)) in ran.iter().enumerate() {
        let sends = |doc: &toml::Table| sent(doc, case);
        if same_settings && sends(&now).is_some() && sends(&now) == sends(&then) {
            fresh.push((case, r));
        } else {
            stale.push(i);
        }
    }
    Ok((fresh, stale))
}

/// The entry of `case` in `doc` without what blessing writes (`expect`, `open`, the steps' `expect`):
/// what it sends and how.
fn sent(doc: &toml::Table, case: &Case) -> Option<toml::Table> {
    let array = match case.body {
        CaseBody::Request { .. } => "case",
        CaseBody::Scenario { .. } => "scenario",
    };
    let mut entry = doc
        .get(array)?
        .as_array()?
        .get(case.index)?
        .as_table()?
        .clone();
    entry.remove("expect");
    entry.remove("open");
    if let Some(steps) = entry.get_mut("step").and_then(toml::Value::as_array_mut) {
        for step in steps.iter_mut().filter_map(toml::Value::as_table_mut) {
            step.remove("expect");
        }
    }
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::parse_service;
    use crate::payload::Payload;
    use crate::semantics::SemanticsLayer;
    use crate::suite::Step;
    use crate::suite::val::Val;

    const FILTERS: &str = "[[filter]]\nurgency = \"high\"\n[filter.trigger]\nconditions = [{ key = \"s\", contains = [\"x\"] }]\ntitle_from = \"t\"\n";

    fn case(name: &str, index: usize, scenario: bool) -> Case {
        let payload = || Payload::json("{}", serde_json::json!({}));
        Case {
            name: name.into(),
            line: 1,
            index,
            skip: false,
            service: parse_service(Path::new("s.toml"), FILTERS, SemanticsLayer::default())
                .unwrap(),
            secrets: Default::default(),
            body: if scenario {
                CaseBody::Scenario {
                    tokens: Default::default(),
                    steps: vec![Step {
                        payload: payload(),
                        token: None,
                        state: None,
                    }],
                    expect: vec![],
                }
            } else {
                CaseBody::Request {
                    payload: payload(),
                    expect: vec![],
                }
            },
        }
    }

    fn ran() -> Ran {
        Ran {
            compared: vec![],
            actual: vec![(Field::Code, Val::Int(202))],
            hits: vec![],
            fragile: vec![],
        }
    }

    const LOADED: &str = r#"
[[case]]
name = "a"
body = '{"a": 1}'
[[case]]
name = "b"
body = '{"b": 1}'
[[scenario]]
name = "s"
[[scenario.step]]
body = '{}'
"#;

    fn stale_of(current: &str) -> Vec<&'static str> {
        let (a, b, s) = (case("a", 0, false), case("b", 1, false), case("s", 0, true));
        let r = ran();
        let ran = [(&a, &r), (&b, &r), (&s, &r)];
        let stale = unchanged(current, LOADED, &ran).unwrap().1;
        stale.iter().map(|&i| ["a", "b", "s"][i]).collect()
    }

    #[test]
    fn what_other_blesses_wrote_does_not_make_a_case_stale() {
        assert!(stale_of(LOADED).is_empty());
        let blessed = LOADED
            .replace(
                "body = '{\"a\": 1}'\n",
                "body = '{\"a\": 1}'\n[case.expect]\ncode = 202\n",
            )
            .replace("name = \"s\"\n", "name = \"s\"\nopen = []\n")
            .replace("body = '{}'\n", "body = '{}'\nexpect = \"discarded\"\n");
        assert!(stale_of(&blessed).is_empty());
    }

    #[test]
    fn a_case_that_sends_something_else_now_is_stale() {
        let edited = LOADED.replace("{\"b\": 1}", "{\"b\": 2}");
        assert_eq!(stale_of(&edited), ["b"]);
        let inserted = LOADED.replacen(
            "[[case]]",
            "[[case]]\nname = \"new\"\nbody = '{}'\n[[case]]",
            1,
        );
        assert_eq!(stale_of(&inserted), ["a", "b"]);
        let moved = format!("service = \"other\"\n{LOADED}");
        assert_eq!(stale_of(&moved), ["a", "b", "s"]);
    }

    #[test]
    fn blessing_writes_into_the_file_as_it_is_now() {
        let dir = std::env::temp_dir().join(format!("sqibs-bless-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("x.cases.toml");
        // Since the cases ran, someone changed what "b" sends and added a comment.
        let now = format!("# kept\n{}", LOADED.replace("{\"b\": 1}", "{\"b\": 2}"));
        std::fs::write(&path, &now).unwrap();
        let (a, b) = (case("a", 0, false), case("b", 1, false));
        let r = ran();
        let blessed = bless_file(&path, LOADED, &[(&a, &r), (&b, &r)]).unwrap();
        assert_eq!(
            blessed,
            Blessed {
                changed: 1,
                stale: vec![1]
            }
        );
        let written = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            written,
            now.replace(
                "body = '{\"a\": 1}'\n",
                "body = '{\"a\": 1}'\n\n[case.expect]\ncode = 202\n"
            )
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
