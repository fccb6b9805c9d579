//! Reading on every core: one thread only cuts the inputs into batches of bodies, a pool of workers
//! parses and processes whole batches side by side, and the calling thread gets each batch's result
//! strictly in input order.
//!
//! Why this shape: cutting bodies is cheap and must be sequential (where a body ends depends on the
//! one before), while parsing, evaluating and rendering a body depend on that body alone. So the
//! reading thread cuts ([`super::Bodies::deferring`]), the workers do the rest in parallel, and the
//! order is restored at the end, where the results are small and ready.
//!
//! Memory stays bounded as in [`super::for_each`]: the reading thread takes credits (a mebibyte of
//! bodies each) before it hands a batch out, and a credit comes back only once the caller is done
//! with the batch's result. Batches read, waiting for a worker, being worked on, or done but waiting
//! for an earlier one are all counted, so at most [`ahead`] mebibytes of bodies (or one body, when it is
//! larger) and their results are held, whatever the number of workers. When the caller stops (its
//! output went away), the credits stop, so the reading stops, and the workers end with their batch.

use super::{Item, RawBody, read_all};
use crate::document::KeySet;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

/// The most workers used, however many cores there are: beyond this the reading thread, which
/// is sequential, is the limit anyway.
pub const MAX_JOBS: usize = 16;

/// How many workers to use by default: one per core the process may use, at most [`MAX_JOBS`].
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_JOBS)
}

/// Mebibytes of bodies in flight at most for `jobs` workers: the sequential reading's four, or one
/// batch per worker and two waiting when there are more workers (16 workers: 18 MiB of bodies and
/// their reports, within `check`'s 64 MB).
pub fn ahead(jobs: usize) -> usize {
    (jobs + 2).max(super::AHEAD_MIB)
}

/// Reads every input `paths` names (as [`super::for_each`] does: lazily with `keys`, refusing bodies
/// longer than `max_body`), has `jobs` workers turn each batch of items into a result with `work` (the
/// bodies parsed there), and hands `each` the results in input order on the calling thread. A batch
/// holds up to 256 items and a mebibyte of bodies (or one larger body). Stops early, and returns the error, when `each` fails.
pub fn in_order<T: Send, E>(
    paths: &[PathBuf],
    keys: Arc<KeySet>,
    max_body: usize,
    jobs: usize,
    work: impl Fn(Vec<Item>) -> T + Sync,
    mut each: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let jobs = jobs.clamp(1, MAX_JOBS);
    let ahead = ahead(jobs);
    // Numbered batches, from the reading thread to whichever worker is free.
    let (send, batches) = sync_channel::<(usize, Vec<Item<RawBody>>, usize)>(ahead);
    let batches = Arc::new(Mutex::new(batches));
    // Credits of a mebibyte each, as in `for_each`.
    let (give, take) = sync_channel::<()>(ahead);
    for _ in 0..ahead {
        give.send(())
            .expect("the credit channel has room for every credit");
    }
    // Results, numbered, in the order they are done; never more than the credits allow. A worker
    // that panics hands its panic over instead, for the calling thread to go on with: the batch it
    // had would otherwise be waited for forever.
    let (done, results) = channel::<(usize, std::thread::Result<T>, usize)>();
    let work = &work;
    let keys = &keys;
    // Moved in, so that an early return drops the results' receiver and the credits: the workers stop
    // after their batch and the reader at its next batch, before the scope waits for them.
    std::thread::scope(move |scope| {
        scope.spawn(move || {
            let mut next = 0;
            let sink = |batch, credits| {
                next += 1;
                send.send((next - 1, batch, credits)).is_ok()
            };
            read_all(
                paths,
                Some(Arc::clone(keys)),
                max_body,
                true,
                ahead,
                &take,
                sink,
            );
        });
        for _ in 0..jobs {
            let batches = Arc::clone(&batches);
            let done = done.clone();
            scope.spawn(move || {
                loop {
                    // One worker waits for the next batch at a time; the others wait for the lock.
                    let next = batches
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((number, batch, credits)) = next else {
                        return;
                    };
                    let result = catch_unwind(AssertUnwindSafe(|| {
                        work(batch.into_iter().map(|i| i.parse(Some(keys))).collect())
                    }));
                    let panicked = result.is_err();
                    if done.send((number, result, credits)).is_err() || panicked {
                        return;
                    }
                }
            });
        }
        // Only the workers hold these now: the results end when the last worker does.
        drop((batches, done));
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (number, result, credits) in results {
            let result = result.unwrap_or_else(|panic| resume_unwind(panic));
            waiting.insert(number, (result, credits));
            while let Some((result, credits)) = waiting.remove(&next) {
                next += 1;
                each(result)?;
                for _ in 0..credits {
                    // The reader may have finished: nobody is left to take them then.
                    let _ = give.send(());
                }
            }
        }
        Ok(())
    })
}
