//! The duplicate window: the bodies each service saw within one window of the latest request's time,
//! what a repeat within it folds into, and what such a repeat would have done without the window.

use crate::envelope::Request;
use crate::explain::Fragility;
use crate::simulation::{IncidentRef, closing_words};
use crate::timestamp::Millis;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// A service (by its place in the list) and the hash of a body.
type BodyKey = (usize, u64);

/// The bodies seen within the duplicate window: for each service and body, the time of its latest
/// sighting and the incident it made, and the same entries ordered by time, so that pruning drops the
/// oldest first whatever order the requests came in. Every lookup, insertion and removal is logarithmic
/// or better, and the window holds only entries within one span of the current request's time.
pub(super) struct Window {
    span: Millis,
    latest: HashMap<BodyKey, (Millis, Option<IncidentRef>)>,
    by_time: BTreeSet<(Millis, BodyKey)>,
}

impl Window {
    pub(super) fn new(span: Millis) -> Window {
        Window {
            span,
            latest: HashMap::new(),
            by_time: BTreeSet::new(),
        }
    }

    /// Drops the entries more than one span before `now`: no request at `now` or later repeats them.
    pub(super) fn prune(&mut self, now: Millis) {
        let cutoff = now.saturating_sub(self.span);
        while let Some(&(t, key)) = self.by_time.first() {
            if t >= cutoff {
                break;
            }
            self.by_time.pop_first();
            self.latest.remove(&key);
        }
    }

    /// The incident made by the body `key` if a request at `now` repeats it within the window
    /// (`Some(None)`: a repeat that made no incident). The window then runs from `now`. A request
    /// received before the earlier sighting is no repeat of it.
    pub(super) fn repeat_of(&mut self, key: BodyKey, now: Millis) -> Option<Option<IncidentRef>> {
        let (seen, made) = self.latest.get_mut(&key)?;
        if now < *seen || now - *seen > self.span {
            return None;
        }
        self.by_time.remove(&(*seen, key));
        self.by_time.insert((now, key));
        *seen = now;
        Some(*made)
    }

    /// Records a sighting that was no repeat. An entry the body already has is later than `now`
    /// (otherwise this would have been a repeat, or the entry pruned): it is kept.
    pub(super) fn insert(&mut self, key: BodyKey, now: Millis, made: Option<IncidentRef>) {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.latest.entry(key) {
            slot.insert((now, made));
            self.by_time.insert((now, key));
        }
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        debug_assert_eq!(self.latest.len(), self.by_time.len());
        self.latest.len()
    }
}

/// What a repeat folded by the duplicate window would have done without it, when that is something
/// else than folding into the incident the window chose (`folded_into`).
pub(super) fn without_window(
    folded_into: Option<usize>,
    preview: &crate::simulation::Preview,
) -> Option<Fragility> {
    let mut would = Vec::new();
    match preview.trigger {
        Some(None) => would.push("create a new incident".to_owned()),
        Some(Some(id)) if Some(id) != folded_into => {
            would.push(format!("fold into incident #{id}"));
        }
        _ => {}
    }
    if let Some(ids) = preview.closes.as_ref().filter(|ids| !ids.is_empty()) {
        would.push(closing_words(ids));
    }
    (!would.is_empty()).then(|| Fragility {
        reading: "no --dedup-window",
        outcome: would.join(" and "),
    })
}

pub(super) fn body_hash(request: &Request) -> u64 {
    let mut h = DefaultHasher::new();
    request.payload.raw.hash(&mut h);
    h.finish()
}
