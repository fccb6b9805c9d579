//! Which case files a change affects, for `test --watch`: a case file that changed, one that reads a
//! changed filter or payload file, the case files using a folder of filters that gains a file, a new
//! case file under the folders searched, and any case file that could not be loaded. [`affected`] is a
//! pure function of what each case file read, what changed and which files exist, so that the rule is
//! tested without a file system.

use crate::walk::is_case_file;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One case file and what its outcomes depend on, as canonical paths (file-system events name those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Watched {
    /// The case file as found (as it is run and shown).
    pub(super) path: PathBuf,
    /// The case file, canonical.
    pub(super) canonical: PathBuf,
    /// The files it read; `None`: it could not be loaded, so any change may mend it.
    pub(super) reads: Option<Vec<PathBuf>>,
}

impl Watched {
    /// The case file at `path`, which read `reads` (`None`: it could not be loaded).
    pub(super) fn new(path: &Path, reads: Option<&[PathBuf]>) -> Watched {
        Watched {
            path: path.to_owned(),
            canonical: canonical(path),
            reads: reads.map(|r| r.iter().map(|p| canonical(p)).collect()),
        }
    }
}

/// What a change means for the suite.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Affected {
    /// The case files to run again, as found, then the new ones, in order.
    pub run: Vec<PathBuf>,
    /// Case files that were removed: no longer watched.
    pub removed: Vec<PathBuf>,
    /// The changed paths that made a case file run, for the note that says why it runs.
    pub causes: BTreeSet<PathBuf>,
}

/// The case files that `changed` (canonical paths) affects. `roots` are the folders searched for case
/// files and `filter_folders` those holding filter files, canonical; `exists` tells whether a file is
/// there now.
pub(super) fn affected(
    watched: &[Watched],
    changed: &BTreeSet<PathBuf>,
    roots: &[PathBuf],
    filter_folders: &[PathBuf],
    exists: impl Fn(&Path) -> bool,
) -> Affected {
    let mut out = Affected::default();
    // A new filter file in a folder of filters changes the services that folder defines.
    let new_filters: Vec<&PathBuf> = filter_folders
        .iter()
        .filter(|folder| {
            changed.iter().any(|c| {
                c.parent() == Some(folder.as_path())
                    && c.extension().is_some_and(|e| e == "toml")
                    && !is_case_file(c)
            })
        })
        .collect();
    for w in watched {
        if changed.contains(&w.canonical) && !exists(&w.canonical) {
            out.removed.push(w.path.clone());
            continue;
        }
        let causes: Vec<&PathBuf> = match &w.reads {
            // Whatever changed may be what it lacked.
            None => changed.iter().collect(),
            Some(reads) => changed
                .iter()
                .filter(|c| {
                    **c == w.canonical
                        || reads.contains(c)
                        || (new_filters.iter().any(|f| c.parent() == Some(f.as_path()))
                            && reads.iter().any(|r| r.parent() == c.parent()))
                })
                .collect(),
        };
        if !causes.is_empty() {
            out.run.push(w.path.clone());
            out.causes.extend(causes.into_iter().cloned());
        }
    }
    for c in changed {
        let known = watched.iter().any(|w| &w.canonical == c);
        if !known && is_case_file(c) && exists(c) && roots.iter().any(|r| c.starts_with(r)) {
            out.run.push(c.clone());
            out.causes.insert(c.clone());
        }
    }
    out
}

/// `path` made canonical when it exists, else absolute, so that it compares with the paths of events.
pub(super) fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watched(case_file: &str, reads: Option<&[&str]>) -> Watched {
        Watched {
            path: PathBuf::from(case_file.trim_start_matches("/p/")),
            canonical: PathBuf::from(case_file),
            reads: reads.map(|r| r.iter().map(PathBuf::from).collect()),
        }
    }

    fn changed(paths: &[&str]) -> BTreeSet<PathBuf> {
        paths.iter().map(PathBuf::from).collect()
    }

    fn suite() -> Vec<Watched> {
        vec![
            watched(
                "/p/samples/a/cases.toml",
                Some(&["/p/samples/a/firing.json", "/p/filters/a.toml"]),
            ),
            watched(
                "/p/samples/b/cases.toml",
                Some(&["/p/samples/b/x.json", "/p/filters/b.toml"]),
            ),
            watched(
                "/p/samples/c.cases.toml",
                Some(&["/p/samples/a/firing.json", "/p/filters/b.toml"]),
            ),
        ]
    }

    /// Every path exists but those under `/gone`.
    fn exists(path: &Path) -> bool {
        !path.starts_with("/gone")
    }

    fn run(found: Affected) -> Vec<String> {
        found.run.iter().map(|p| p.display().to_string()).collect()
    }

    #[test]
    fn a_payload_or_filter_file_reruns_exactly_the_case_files_that_read_it() {
        let roots = [PathBuf::from("/p/samples")];
        let a = affected(
            &suite(),
            &changed(&["/p/samples/a/firing.json"]),
            &roots,
            &[],
            exists,
        );
        assert_eq!(run(a), ["samples/a/cases.toml", "samples/c.cases.toml"]);
        let b = affected(
            &suite(),
            &changed(&["/p/filters/b.toml"]),
            &roots,
            &[],
            exists,
        );
        assert_eq!(run(b), ["samples/b/cases.toml", "samples/c.cases.toml"]);
    }

    #[test]
    fn a_case_file_reruns_itself_and_an_unrelated_file_nothing() {
        let roots = [PathBuf::from("/p/samples")];
        let found = affected(
            &suite(),
            &changed(&["/p/samples/b/cases.toml"]),
            &roots,
            &[],
            exists,
        );
        assert_eq!(run(found), ["samples/b/cases.toml"]);
        let found = affected(
            &suite(),
            &changed(&[
                "/p/samples/b/notes.md",
                "/p/README.md",
                "/p/samples/a/.cases.toml.swp",
            ]),
            &roots,
            &[],
            exists,
        );
        assert_eq!(found, Affected::default());
    }

    #[test]
    fn a_new_filter_file_reruns_the_case_files_of_its_folder() {
        let roots = [PathBuf::from("/p/samples")];
        let folders = [PathBuf::from("/p/filters")];
        let found = affected(
            &suite(),
            &changed(&["/p/filters/new.toml"]),
            &roots,
            &folders,
            exists,
        );
        assert_eq!(found.run.len(), 3);
        // A case file is no filter file, even in that folder.
        let found = affected(
            &suite(),
            &changed(&["/p/filters/x.cases.toml"]),
            &roots,
            &folders,
            exists,
        );
        assert_eq!(found, Affected::default());
    }

    #[test]
    fn a_case_file_that_could_not_load_reruns_on_any_change() {
        let roots = [PathBuf::from("/p/samples")];
        let mut all = suite();
        all.push(watched("/p/samples/broken.cases.toml", None));
        let found = affected(
            &all,
            &changed(&["/p/samples/missing.json"]),
            &roots,
            &[],
            exists,
        );
        assert_eq!(run(found), ["samples/broken.cases.toml"]);
    }

    #[test]
    fn new_and_removed_case_files() {
        let all = vec![watched("/gone/old.cases.toml", Some(&[]))];
        let set = changed(&[
            "/p/samples/new.cases.toml",
            "/gone/old.cases.toml",
            "/p/samples/new.json",
        ]);
        let found = affected(&all, &set, &[PathBuf::from("/p/samples")], &[], exists);
        assert_eq!(found.run, [PathBuf::from("/p/samples/new.cases.toml")]);
        assert_eq!(found.removed, [PathBuf::from("/gone/old.cases.toml")]);
        // Outside the folders searched, a new case file is not part of the suite.
        let found = affected(&[], &set, &[PathBuf::from("/elsewhere")], &[], exists);
        assert_eq!(found, Affected::default());
    }
}
