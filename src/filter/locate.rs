//! Where the filters are when no flag says: the `filters/` folder of the current folder or of the
//! nearest parent that has one, up to the repository root (as git finds its repository and just its
//! justfile), else `SQIBS_FILTERS`. A command run from a subfolder of a project then uses the
//! project's filters, and `SQIBS_FILTERS` is a personal default for folders that have none.

use std::path::{Path, PathBuf};

/// The name of the folder looked for.
const FOLDER: &str = "filters";

/// Where a filter path came from: said when it is used and when it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A flag gave it (`--filters`, `--diff-filters`).
    Flag(&'static str),
    /// The nearest `filters/` folder, found from the current folder.
    Found,
    /// `SQIBS_FILTERS`, as no `filters/` folder was found.
    Environment,
    /// Nothing: no flag, no `filters/` folder up to the repository root, no `SQIBS_FILTERS`.
    Missing,
}

impl Origin {
    /// Whether the user named the path (a flag or `SQIBS_FILTERS`), so that it must load even where
    /// nothing uses it.
    pub fn given(&self) -> bool {
        matches!(self, Origin::Flag(_) | Origin::Environment)
    }

    /// How the path was chosen, for `--explain`.
    pub fn describe(&self) -> &'static str {
        match self {
            Origin::Flag(_) => "given on the command line",
            Origin::Found => "the nearest filters/ folder, from the current folder up",
            Origin::Environment => "from SQIBS_FILTERS: no filters/ folder here or above",
            Origin::Missing => "no filters/ folder here or above, and SQIBS_FILTERS is not set",
        }
    }

    /// What to change when the path cannot be read.
    pub fn remedy(&self) -> String {
        match self {
            Origin::Flag(flag) => format!("give an existing filter file or folder with {flag}"),
            Origin::Found => "it is the nearest filters/ folder (from the current folder up); \
                              fix it, or give another with --filters"
                .into(),
            Origin::Environment => "it comes from SQIBS_FILTERS; set that to an existing filter \
                                    file or folder, or give one with --filters"
                .into(),
            Origin::Missing => "no filters/ folder here or in a parent folder up to the \
                                repository root, and SQIBS_FILTERS is not set: give a filter \
                                file or folder with --filters"
                .into(),
        }
    }
}

/// A filter path and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// A filter file or folder, as it is shown: relative (`filters`, `../../filters`) when found.
    pub path: PathBuf,
    /// Where it came from.
    pub origin: Origin,
}

impl Located {
    /// The path a flag gave.
    pub fn flag(path: PathBuf, flag: &'static str) -> Located {
        Located {
            path,
            origin: Origin::Flag(flag),
        }
    }

    /// The filters when no flag names them: the `found` folder, else `env` (`SQIBS_FILTERS`).
    pub fn default(found: Option<&Path>, env: Option<&Path>) -> Located {
        match (found, env) {
            (Some(found), _) => Located {
                path: found.to_owned(),
                origin: Origin::Found,
            },
            (None, Some(env)) => Located {
                path: env.to_owned(),
                origin: Origin::Environment,
            },
            // Shown in the error that says nothing was found.
            (None, None) => Located {
                path: PathBuf::from(FOLDER),
                origin: Origin::Missing,
            },
        }
    }

    /// The folder case files are looked for in when `test` is given none: `samples/` beside the
    /// filters found, else `samples/` of the current folder.
    pub fn samples(&self) -> PathBuf {
        match (&self.origin, self.path.parent()) {
            (Origin::Found, Some(project)) => project.join("samples"),
            _ => PathBuf::from("samples"),
        }
    }
}

/// The nearest `filters/` folder from `cwd` up, as a path relative to `cwd` (`filters`,
/// `../filters`): the walk stops at the first folder holding `.git` (the repository root, whose own
/// `filters/` still counts) and at the file system's root.
pub fn find(cwd: &Path) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(FOLDER).is_dir() {
            return Some(relative.join(FOLDER));
        }
        if dir.join(".git").exists() {
            return None;
        }
        relative.push("..");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(name: &str, dirs: &[&str]) -> PathBuf {
        let root = std::env::temp_dir().join(format!("sqibs-locate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for dir in dirs {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        root
    }

    #[test]
    fn the_nearest_filters_folder_wins() {
        let root = tree("nearest", &[".git", "filters", "a/b/c", "a/filters"]);
        assert_eq!(find(&root), Some(PathBuf::from("filters")));
        assert_eq!(find(&root.join("a")), Some(PathBuf::from("filters")));
        assert_eq!(
            find(&root.join("a/b/c")),
            Some(PathBuf::from("../../filters"))
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn the_walk_stops_at_the_repository_root() {
        let root = tree("root", &["filters", "repo/.git", "repo/src/deep"]);
        assert_eq!(find(&root.join("repo/src/deep")), None);
        assert_eq!(find(&root.join("repo")), None);
        // Outside the repository, the folder above is reached.
        std::fs::create_dir_all(root.join("other/x")).unwrap();
        assert_eq!(
            find(&root.join("other/x")),
            Some(PathBuf::from("../../filters"))
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_file_named_filters_is_not_the_folder() {
        let root = tree("file", &[".git", "sub"]);
        std::fs::write(root.join("sub/filters"), "").unwrap();
        assert_eq!(find(&root.join("sub")), None);
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn found_beats_the_variable_and_the_variable_beats_nothing() {
        let env = Path::new("/etc/callgoose");
        let found = Located::default(Some(Path::new("../filters")), Some(env));
        assert_eq!(found.origin, Origin::Found);
        assert_eq!(found.samples(), PathBuf::from("../samples"));
        let from_env = Located::default(None, Some(env));
        assert_eq!(
            (from_env.path.as_path(), from_env.origin.clone()),
            (env, Origin::Environment)
        );
        assert!(from_env.origin.given());
        assert_eq!(from_env.samples(), PathBuf::from("samples"));
        let missing = Located::default(None, None);
        assert_eq!(missing.origin, Origin::Missing);
        assert!(!missing.origin.given());
        assert_eq!(
            Located::default(Some(Path::new("filters")), None).samples(),
            PathBuf::from("samples")
        );
    }
}
