//! Where a case file may read: the `payload` and `filters` paths it names are relative to it and must
//! stay inside its project, so that a case file from an untrusted change cannot make `test` read (and a
//! failing case print) a file such as `/etc/passwd` or the repository's `.git/config`.
//!
//! A case file's project is the nearest folder above it that holds `.git`; without one, the current
//! folder when the case file is inside it; otherwise the case file's own folder. Absolute paths, paths
//! that leave the project (after following symbolic links) and paths into a `.git` folder are refused
//! unless `--allow-outside` is given.

use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};

/// The folder tree one case file may read from.
#[derive(Debug)]
pub(super) struct Reach {
    /// The project, canonical; `None` under `--allow-outside`.
    root: Option<PathBuf>,
    /// The project as shown in messages: relative to the current folder when inside it.
    shown: String,
    /// Every path let through so far: what the case file read, for `test --watch`.
    admitted: RefCell<Vec<PathBuf>>,
}

/// Why a path may not be read, and what to do.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Refused {
    pub message: String,
    pub help: String,
}

impl Reach {
    /// The reach of a case file in `dir`, `test` running in `current_dir`.
    pub fn of(dir: &Path, current_dir: &Path, allow_outside: bool) -> std::io::Result<Reach> {
        if allow_outside {
            return Ok(Reach {
                root: None,
                shown: String::new(),
                admitted: RefCell::default(),
            });
        }
        let dir = std::fs::canonicalize(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })?;
        let current = std::fs::canonicalize(current_dir)?;
        let root = match dir.ancestors().find(|a| a.join(".git").exists()) {
            Some(repository) => repository.to_owned(),
            None if dir.starts_with(&current) => current.clone(),
            None => dir,
        };
        let shown = match root.strip_prefix(&current) {
            Ok(inside) if inside.as_os_str().is_empty() => ".".to_owned(),
            Ok(inside) => inside.display().to_string(),
            Err(_) => root.display().to_string(),
        };
        Ok(Reach {
            root: Some(root),
            shown,
            admitted: RefCell::default(),
        })
    }

    /// The file to read for `written` (the `key` value as the case file writes it), which resolves to
    /// `resolved`: its canonical path, or `resolved` itself when that does not exist (reading it
    /// then reports that).
    pub fn check(&self, key: &str, written: &str, resolved: &Path) -> Result<PathBuf, Refused> {
        let path = self.admit(key, written, resolved)?;
        self.admitted.borrow_mut().push(path.clone());
        Ok(path)
    }

    /// The paths [`Reach::check`] let through, in order.
    pub fn admitted(self) -> Vec<PathBuf> {
        self.admitted.into_inner()
    }

    fn admit(&self, key: &str, written: &str, resolved: &Path) -> Result<PathBuf, Refused> {
        let Some(root) = &self.root else {
            return Ok(resolved.to_owned());
        };
        let allow = "or run with --allow-outside";
        if Path::new(written).has_root() || Path::new(written).is_absolute() {
            return Err(Refused {
                message: format!("{key} {written:?} is an absolute path"),
                help: format!("write it relative to the case file, {allow}"),
            });
        }
        let Ok(real) = std::fs::canonicalize(resolved) else {
            return Ok(resolved.to_owned());
        };
        let Ok(inside) = real.strip_prefix(root) else {
            return Err(Refused {
                message: format!(
                    "{key} {written:?} is outside the case file's project ({})",
                    self.shown
                ),
                help: format!(
                    "a case file reads only inside its project: the folder holding .git, or else the current folder; move the file there, {allow}"
                ),
            });
        };
        if inside
            .components()
            .any(|c| c == Component::Normal(".git".as_ref()))
        {
            return Err(Refused {
                message: format!("{key} {written:?} is inside a .git folder"),
                help: format!("a case file does not read the repository's own files, {allow}"),
            });
        }
        Ok(real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder outside any repository, with `files` in it.
    fn folder(name: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sqibs-reach-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in files {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "{}").unwrap();
        }
        std::fs::canonicalize(&dir).unwrap()
    }

    #[test]
    fn the_project_is_the_repository_then_the_current_folder_then_the_case_files_own() {
        let dir = folder(
            "roots",
            &["repo/.git/config", "repo/a/b/x.json", "plain/c/y.json"],
        );
        let reach = Reach::of(&dir.join("repo/a/b"), &dir, false).unwrap();
        assert_eq!(reach.root.as_deref(), Some(dir.join("repo").as_path()));
        assert_eq!(reach.shown, "repo");
        let reach = Reach::of(&dir.join("plain/c"), &dir, false).unwrap();
        assert_eq!(reach.root.as_deref(), Some(dir.as_path()));
        assert_eq!(reach.shown, ".");
        let elsewhere = dir.join("repo/a");
        let reach = Reach::of(&dir.join("plain/c"), &elsewhere, false).unwrap();
        assert_eq!(reach.root.as_deref(), Some(dir.join("plain/c").as_path()));
        assert_eq!(reach.shown, dir.join("plain/c").display().to_string());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn paths_stay_in_the_project_and_out_of_git() {
        let dir = folder(
            "paths",
            &["repo/.git/config", "repo/a/x.json", "other.json"],
        );
        let case_dir = dir.join("repo/a");
        let reach = Reach::of(&case_dir, &dir, false).unwrap();
        let check = |written: &str| reach.check("payload", written, &case_dir.join(written));
        assert_eq!(check("x.json"), Ok(case_dir.join("x.json")));
        assert_eq!(check("../a/./x.json"), Ok(case_dir.join("x.json")));
        assert_eq!(check("missing.json"), Ok(case_dir.join("missing.json")));
        let refused = |written: &str| check(written).unwrap_err().message;
        assert_eq!(
            refused("../../other.json"),
            "payload \"../../other.json\" is outside the case file's project (repo)"
        );
        assert_eq!(
            refused("../.git/config"),
            "payload \"../.git/config\" is inside a .git folder"
        );
        let absolute = case_dir.join("x.json").display().to_string();
        assert_eq!(
            refused(&absolute),
            format!("payload {absolute:?} is an absolute path")
        );
        let anything = Reach::of(&case_dir, &dir, true).unwrap();
        let other = case_dir.join("../../other.json");
        assert_eq!(
            anything.check("payload", "../../other.json", &other),
            Ok(other)
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
