//! Finding case files: the files given, and the `cases.toml` and `*.cases.toml` files inside the folders
//! given, in walk order (see [`walk::files`]). A path that yields none, and a folder or entry inside one
//! that cannot be read, is returned with the reason, never dropped.

use crate::walk::{self, Depth, is_case_file};
use std::path::{Path, PathBuf};

/// A path given to `test` that yields no case file to run.
#[derive(Debug)]
pub enum Unusable {
    /// It does not exist.
    Missing(PathBuf),
    /// A folder holding no case file.
    Empty(PathBuf),
    /// A folder (or one inside it) that cannot be listed, or an entry whose kind cannot be read.
    Unlisted(PathBuf, std::io::Error),
}

impl Unusable {
    /// The path concerned.
    pub fn path(&self) -> &Path {
        match self {
            Unusable::Missing(p) | Unusable::Empty(p) | Unusable::Unlisted(p, _) => p,
        }
    }

    /// Why, without the path: for a summary line that names it already.
    pub fn reason(&self) -> String {
        match self {
            Unusable::Missing(_) => "no such file or folder".into(),
            Unusable::Empty(_) => {
                "no case files in it (they are named cases.toml or *.cases.toml)".into()
            }
            Unusable::Unlisted(_, e) => format!("cannot list it: {e}"),
        }
    }
}

impl std::fmt::Display for Unusable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unusable::Missing(p) => {
                write!(f, "cannot read {}: no such file or folder", p.display())
            }
            Unusable::Empty(p) => write!(
                f,
                "no case files in {}: case files are named cases.toml or *.cases.toml",
                p.display()
            ),
            Unusable::Unlisted(p, e) => write!(f, "cannot list {}: {e}", p.display()),
        }
    }
}

/// Finds case files: a file is taken as it is, a folder is searched (in sorted order) for files named
/// `cases.toml` or `*.cases.toml`. Paths that cannot be used are returned beside the rest.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Unusable>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            let walked = walk::files(path, Depth::All);
            let unlisted = walked.errors.into_iter();
            errors.extend(unlisted.map(|u| Unusable::Unlisted(u.path, u.error)));
            let before = files.len();
            files.extend(walked.files.into_iter().filter(|f| is_case_file(f)));
            if files.len() == before {
                errors.push(Unusable::Empty(path.clone()));
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(Unusable::Missing(path.clone()));
        }
    }
    (files, errors)
}
