//! Listing the files under a folder, for every reader that takes one (request bodies, case files, filter
//! files): one walk, in one stable order, that reports every folder or entry it cannot read with its
//! path and goes on past it. Which of the files to take, and how to word an error, stays with each
//! reader; the naming rule that tells case files from filter files is here, below both readers, so
//! that loading filters does not depend on the test suite.

use std::io;
use std::path::{Path, PathBuf};

/// How far a walk goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The folder's own files.
    Top,
    /// The folder's files and those of every folder below it.
    All,
}

/// What a walk found, in walk order.
#[derive(Debug, Default)]
pub struct Walk {
    /// Every entry that is not a folder, links included, unopened: what a link leads to, and whether a
    /// file can be read, is for the reader to find out (and to word).
    pub files: Vec<PathBuf>,
    /// The folders that cannot be listed and the entries whose kind cannot be read.
    pub errors: Vec<Unlisted>,
}

/// A folder that cannot be listed, or an entry of one whose kind cannot be read (it may be a folder).
#[derive(Debug)]
pub struct Unlisted {
    /// The folder, or the entry.
    pub path: PathBuf,
    /// Why.
    pub error: io::Error,
}

/// The files under `dir`, sorted path by path (component-wise, so a folder's files come where the folder
/// sorts), whatever order the file system lists them in. Links to folders are not followed, so a link
/// loop cannot make the walk endless.
pub fn files(dir: &Path, depth: Depth) -> Walk {
    let mut walk = Walk::default();
    walk.visit(dir, depth);
    walk
}

impl Walk {
    fn visit(&mut self, dir: &Path, depth: Depth) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                self.unlisted(dir, error);
                return;
            }
        };
        let mut paths: Vec<(PathBuf, bool)> = Vec::new();
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    self.unlisted(dir, error);
                    continue;
                }
            };
            // The entry's own kind: a link is not followed.
            match entry.file_type() {
                Ok(kind) => paths.push((entry.path(), kind.is_dir())),
                Err(error) => self.unlisted(&entry.path(), error),
            }
        }
        paths.sort();
        for (path, is_dir) in paths {
            match (is_dir, depth) {
                (false, _) => self.files.push(path),
                (true, Depth::All) => self.visit(&path, depth),
                (true, Depth::Top) => {}
            }
        }
    }

    fn unlisted(&mut self, path: &Path, error: io::Error) {
        self.errors.push(Unlisted {
            path: path.to_owned(),
            error,
        });
    }
}

/// Whether `path` is named as a case file: `cases.toml` or `*.cases.toml`. The one rule that tells case
/// files from filter files, which share the `.toml` ending and may share a folder: finding case files
/// takes these, loading a folder of filters leaves them out.
pub fn is_case_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n == "cases.toml" || n.ends_with(".cases.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder with `files` in it.
    fn folder(name: &str, files: &[&str]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sqibs-walk-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for f in files {
            let path = dir.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        dir
    }

    fn names(dir: &Path, walk: &Walk) -> Vec<String> {
        let name = |p: &PathBuf| p.strip_prefix(dir).unwrap().display().to_string();
        walk.files.iter().map(name).collect()
    }

    #[test]
    fn files_come_sorted_path_by_path_with_hidden_ones() {
        let dir = folder("sorted", &["b.json", "a/z.json", "a.json", ".h", "a/b/c"]);
        let walk = files(&dir, Depth::All);
        assert!(walk.errors.is_empty(), "{:?}", walk.errors);
        assert_eq!(
            names(&dir, &walk),
            [".h", "a/b/c", "a/z.json", "a.json", "b.json"]
        );
        let top = files(&dir, Depth::Top);
        assert_eq!(names(&dir, &top), [".h", "a.json", "b.json"]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_files_and_links_to_folders_are_not_followed() {
        let dir = folder("links", &["sub/x"]);
        std::os::unix::fs::symlink("sub", dir.join("to-sub")).unwrap();
        std::os::unix::fs::symlink(".", dir.join("sub/self")).unwrap();
        std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
        let walk = files(&dir, Depth::All);
        assert!(walk.errors.is_empty(), "{:?}", walk.errors);
        assert_eq!(
            names(&dir, &walk),
            ["dangling", "sub/self", "sub/x", "to-sub"]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn case_files_are_named_cases_toml_or_dot_cases_toml() {
        for (name, case) in [
            ("cases.toml", true),
            ("a/disk.cases.toml", true),
            ("tigera.toml", false),
            ("cases.toml.bak", false),
            ("mycases.toml", false),
        ] {
            assert_eq!(is_case_file(Path::new(name)), case, "{name}");
        }
    }

    #[test]
    fn a_folder_that_cannot_be_listed_is_an_error_with_its_path() {
        let dir = std::env::temp_dir().join(format!("sqibs-walk-{}-missing", std::process::id()));
        let walk = files(&dir, Depth::Top);
        assert!(walk.files.is_empty());
        let [unlisted] = &walk.errors[..] else {
            panic!("{:?}", walk.errors);
        };
        assert_eq!(unlisted.path, dir);
        assert_eq!(unlisted.error.kind(), io::ErrorKind::NotFound);
    }
}
