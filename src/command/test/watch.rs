//! `test --watch`: run the suite, then wait for changes and run again the case files they affect (see
//! `affected`), each run on a cleared terminal. Ctrl-C (or SIGTERM) ends the wait; a run under way
//! finishes first.

use super::affected::{Watched, affected, canonical};
use super::{SuiteRun, TestSettings, report_for, run_suite};
use crate::exit::ExitStatus;
use crate::render::{self, Messages, Palette};
use anyhow::{Context, Result};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

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
    stop_on_signal(wake.clone())
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

/// Sends [`Wake::Stop`] on SIGINT (Ctrl-C) or SIGTERM, from a thread that waits for them. The handlers
/// are in place when this returns, so a signal from then on is never lost.
fn stop_on_signal(stop: mpsc::Sender<Wake>) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (mut interrupt, mut terminate) = {
        let _context = runtime.enter();
        (
            signal(SignalKind::interrupt())?,
            signal(SignalKind::terminate())?,
        )
    };
    std::thread::spawn(move || {
        runtime.block_on(async {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        });
        let _ = stop.send(Wake::Stop);
    });
    Ok(())
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

/// `path` relative to the current folder when it is inside it, as messages show paths.
fn shown(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(canonical(&cwd)).ok().map(Path::to_owned))
        .unwrap_or_else(|| path.to_owned())
}
