//! `test --watch`: run the suite, then wait for changes and run again the case files they affect: a
//! case file that changed, one that reads a changed filter or payload file, one that uses the default
//! filters when a filter file appears in their folder, a new case file under a watched folder, and any
//! case file that could not be loaded. Ctrl-C (or SIGTERM) ends the wait; a run under way finishes
//! first.
//!
//! Which case files a change affects is decided by [`affected`], a pure function of what each case file
//! read, what changed and which files exist, so that the rule is tested without a file system.

use super::{SuiteRun, TestSettings, report_for, run_suite};
use crate::exit::ExitStatus;
use crate::render::{self, Messages, Palette};
use crate::walk::is_case_file;
use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// One case file and what its outcomes depend on, as canonical paths (file-system events name those).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Watched {
    /// The case file as found (as it is run and shown).
    path: PathBuf,
    /// The case file, canonical.
    canonical: PathBuf,
    /// The files it read; `None`: it could not be loaded, so any change may mend it.
    reads: Option<Vec<PathBuf>>,
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

/// Why the watch loop wakes.
enum Wake {
    Changed(Vec<PathBuf>),
    Stop,
}

/// How long a burst of events (an editor's save, a `git checkout`) is gathered into one change.
const SETTLE: Duration = Duration::from_millis(150);

/// Runs the suite, then again on every change that affects it, until Ctrl-C. The status is success:
/// stopping is how a watch ends.
pub(super) fn watch(
    settings: &TestSettings,
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<ExitStatus> {
    let (wake, woken) = mpsc::channel();
    let stop = wake.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Wake::Stop);
    })
    .context("cannot catch Ctrl-C, so the watch could not stop cleanly")?;
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && !matches!(event.kind, EventKind::Access(_))
        {
            let _ = wake.send(Wake::Changed(event.paths));
        }
    })
    .context("cannot watch the file system")?;

    let roots: Vec<PathBuf> = settings.paths.iter().map(|p| canonical(p)).collect();
    let mut folders = Folders::default();
    for root in &roots {
        folders.watch(&mut watcher, root, messages);
    }
    let mut watched = run(settings, &settings.paths, palette, stdout, messages)?.files;
    let mut filter_folders = folders.add_reads(&mut watcher, &watched, messages);
    messages.note(&"watching for changes to filter files, case files and payloads; Ctrl-C stops");
    while let Some(changed) = changes(&woken) {
        let found = affected(&watched, &changed, &roots, &filter_folders, Path::is_file);
        watched.retain(|w| !found.removed.contains(&w.path));
        if found.run.is_empty() {
            continue;
        }
        if settings.clear {
            render::clear_screen(stdout)?;
        }
        let names: Vec<String> = found
            .causes
            .iter()
            .take(3)
            .map(|c| shown(c).display().to_string())
            .collect();
        messages.note(&format!(
            "{}{} changed: running {} case file{}",
            names.join(", "),
            if found.causes.len() > 3 { ", ..." } else { "" },
            found.run.len(),
            if found.run.len() == 1 { "" } else { "s" }
        ));
        let ran = run(settings, &found.run, palette, stdout, messages)?;
        for w in ran.files {
            match watched.iter_mut().find(|old| old.canonical == w.canonical) {
                Some(old) => *old = w,
                None => watched.push(w),
            }
        }
        filter_folders = folders.add_reads(&mut watcher, &watched, messages);
        messages.note(&"watching for changes; Ctrl-C stops");
    }
    messages.note(&"watch stopped");
    Ok(ExitStatus::Success)
}

/// One run of the case files of `paths`, its report written as it goes.
fn run(
    settings: &TestSettings,
    paths: &[PathBuf],
    palette: Palette,
    stdout: &mut dyn Write,
    messages: &mut Messages<'_>,
) -> Result<SuiteRun> {
    let mut report = report_for(settings, palette, stdout);
    let ran = run_suite(settings, paths, report.as_mut(), messages)?;
    drop(report);
    stdout.flush()?;
    Ok(ran)
}

/// The next change: the paths of a burst of events, gathered until the file system settles. `None`:
/// stop.
fn changes(woken: &Receiver<Wake>) -> Option<BTreeSet<PathBuf>> {
    let mut changed = BTreeSet::new();
    match woken.recv() {
        Ok(Wake::Changed(paths)) => changed.extend(paths),
        Ok(Wake::Stop) | Err(_) => return None,
    }
    loop {
        match woken.recv_timeout(SETTLE) {
            Ok(Wake::Changed(paths)) => changed.extend(paths),
            Ok(Wake::Stop) => return None,
            Err(RecvTimeoutError::Timeout) => return Some(changed),
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
}

/// The folders watched so far: a folder searched for case files (with everything below it), and the
/// folder of each file a case file read (editors save by writing a new file and renaming it over the
/// old one, which only the folder sees).
#[derive(Default)]
struct Folders {
    watched: BTreeSet<PathBuf>,
}

impl Folders {
    fn watch(&mut self, watcher: &mut dyn Watcher, path: &Path, messages: &mut Messages<'_>) {
        let (folder, mode) = if path.is_dir() {
            (path, RecursiveMode::Recursive)
        } else {
            (path.parent().unwrap_or(path), RecursiveMode::NonRecursive)
        };
        if self.watched.iter().any(|w| folder.starts_with(w)) {
            return;
        }
        match watcher.watch(folder, mode) {
            Ok(()) => {
                self.watched.insert(folder.to_owned());
            }
            Err(e) => messages.error(&format!("cannot watch {}: {e}", folder.display())),
        }
    }

    /// Watches the folders of every file the case files read; returns the folders holding filter files.
    fn add_reads(
        &mut self,
        watcher: &mut dyn Watcher,
        watched: &[Watched],
        messages: &mut Messages<'_>,
    ) -> Vec<PathBuf> {
        let mut filter_folders = BTreeSet::new();
        for w in watched {
            for read in w.reads.iter().flatten() {
                self.watch(watcher, read, messages);
                if read.extension().is_some_and(|e| e == "toml")
                    && let Some(folder) = read.parent()
                {
                    filter_folders.insert(folder.to_owned());
                }
            }
        }
        filter_folders.into_iter().collect()
    }
}

/// `path` made canonical when it exists, else absolute, so that it compares with the paths of events.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_owned())
    })
}

/// `path` relative to the current folder when it is inside it, as messages show paths.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(canonical(&cwd)).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
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
