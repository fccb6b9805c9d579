//! The open incidents, compactly: a dense list of records of fixed-size fields, each with one string (its
//! mapping value, then its title); an index from service and mapping value to a place in that list; and
//! each service and token held once, for as long as some open incident names it.
//!
//! What a record keeps is what the reports of open incidents show, and what the simulation reads: its
//! number, the request that opened it and when, its repeats, its service, its filter (for
//! `resolve_scope = "filter"`), its mapping value and title, and its token (whose secrets are hidden when
//! it is shown). Urgency, priority and description are shown when an incident is created, never after:
//! they are not kept. A record is 88 bytes; the index adds one `usize` per keyed incident, at a load of
//! one half to seven eighths.

use super::{Incident, IncidentRef, Opening};
use crate::timestamp::Millis;
use hashbrown::HashTable;
use std::hash::{BuildHasher, RandomState};

/// `key_len` of an incident without a mapping value: no string is this long (at most `isize::MAX`).
const KEYLESS: usize = usize::MAX;

/// `token` of an incident opened by a request without a token: no list is this long.
const NO_TOKEN: usize = usize::MAX;

/// One open incident.
#[derive(Debug)]
struct Record {
    id: usize,
    created_by: usize,
    duplicates: usize,
    opened_at: Option<Millis>,
    /// Its mapping value (`key_len` bytes), then its title.
    text: Box<str>,
    key_len: usize,
    /// The position of the filter that opened it.
    filter: usize,
    /// Into `Store::services`.
    service: usize,
    /// Into `Store::tokens`, or [`NO_TOKEN`].
    token: usize,
}

impl Record {
    fn key(&self) -> Option<&str> {
        (self.key_len != KEYLESS).then(|| &self.text[..self.key_len])
    }

    fn title(&self) -> &str {
        match self.key_len {
            KEYLESS => &self.text,
            len => &self.text[len..],
        }
    }

    fn reference(&self) -> IncidentRef {
        IncidentRef {
            id: self.id,
            created_by: self.created_by,
        }
    }
}

/// Names held once each, with how many open incidents hold each; a name none holds is dropped and its
/// place reused.
#[derive(Debug, Default)]
struct Names {
    /// Each name and its holders (0: a free place, listed in `free`).
    names: Vec<(Box<str>, usize)>,
    /// The places of the names held, by the hash of the name.
    index: HashTable<usize>,
    free: Vec<usize>,
}

impl Names {
    fn find(&self, state: &RandomState, name: &str) -> Option<usize> {
        let names = &self.names;
        self.index
            .find(state.hash_one(name), |&i| *names[i].0 == *name)
            .copied()
    }

    /// The place of `name`, held once more.
    fn hold(&mut self, state: &RandomState, name: &str) -> usize {
        if let Some(i) = self.find(state, name) {
            self.names[i].1 += 1;
            return i;
        }
        let entry = (Box::from(name), 1);
        let i = match self.free.pop() {
            Some(i) => {
                self.names[i] = entry;
                i
            }
            None => {
                self.names.push(entry);
                self.names.len() - 1
            }
        };
        let names = &self.names;
        self.index
            .insert_unique(state.hash_one(name), i, |&j| state.hash_one(&*names[j].0));
        i
    }

    /// Held once less: dropped when no incident holds it.
    fn release(&mut self, state: &RandomState, i: usize) {
        let (name, holders) = &mut self.names[i];
        *holders -= 1;
        if *holders > 0 {
            return;
        }
        if let Ok(entry) = self.index.find_entry(state.hash_one(&**name), |&j| j == i) {
            entry.remove();
        }
        *name = Box::default();
        self.free.push(i);
    }

    fn get(&self, i: usize) -> &str {
        &self.names[i].0
    }
}

/// The open incidents of every service.
#[derive(Debug, Default)]
pub(super) struct Store {
    /// In order of creation, until an incident closes: the last record takes its place (see `iter`).
    records: Vec<Record>,
    /// The place in `records` of each incident with a mapping value, by the hash of its service and
    /// mapping value.
    by_key: HashTable<usize>,
    services: Names,
    tokens: Names,
    state: RandomState,
}

fn key_hash(state: &RandomState, service: usize, key: &str) -> u64 {
    state.hash_one((service, key))
}

/// The hash of `r` in `by_key`: of its service and mapping value.
fn record_hash(state: &RandomState, r: &Record) -> u64 {
    key_hash(state, r.service, r.key().unwrap_or_default())
}

impl Store {
    /// The place of the open incident of `service` with the mapping value `key`.
    fn place(&self, service: &str, key: &str) -> Option<usize> {
        let service = self.services.find(&self.state, service)?;
        let records = &self.records;
        self.by_key
            .find(key_hash(&self.state, service, key), |&i| {
                records[i].service == service && records[i].key() == Some(key)
            })
            .copied()
    }

    /// The number and filter position of the open incident of `service` with the mapping value `key`.
    pub(super) fn get(&self, service: &str, key: &str) -> Option<(usize, usize)> {
        self.place(service, key)
            .map(|i| (self.records[i].id, self.records[i].filter))
    }

    /// Folds a repeat into the open incident of `service` with the mapping value `key`, if there is one.
    pub(super) fn fold_duplicate(&mut self, service: &str, key: &str) -> Option<IncidentRef> {
        let i = self.place(service, key)?;
        let r = &mut self.records[i];
        r.duplicates += 1;
        Some(r.reference())
    }

    /// Keeps `incident` open, with what is known of the request that opened it. Its mapping value is
    /// not open yet in its service.
    pub(super) fn insert(&mut self, incident: &Incident, opening: Opening<'_>) {
        let service = self.services.hold(&self.state, &incident.service);
        let token = opening
            .token
            .map_or(NO_TOKEN, |t| self.tokens.hold(&self.state, t));
        let (text, key_len) = match &incident.map_key {
            Some(key) => ([key.as_str(), &incident.title].concat(), key.len()),
            None => (incident.title.clone(), KEYLESS),
        };
        let record = Record {
            id: incident.id,
            created_by: incident.created_by,
            duplicates: incident.duplicates,
            opened_at: opening.at,
            text: text.into_boxed_str(),
            key_len,
            filter: incident.filter.position,
            service,
            token,
        };
        let hash = record.key().map(|_| record_hash(&self.state, &record));
        self.records.push(record);
        if let Some(hash) = hash {
            let (records, state) = (&self.records, &self.state);
            self.by_key.insert_unique(hash, records.len() - 1, |&i| {
                record_hash(state, &records[i])
            });
        }
    }

    /// Closes the open incident of `service` with the mapping value `key`: which it was, and when it
    /// was opened.
    pub(super) fn remove(
        &mut self,
        service: &str,
        key: &str,
    ) -> Option<(IncidentRef, Option<Millis>)> {
        let s = self.services.find(&self.state, service)?;
        let records = &self.records;
        let entry = self
            .by_key
            .find_entry(key_hash(&self.state, s, key), |&i| {
                records[i].service == s && records[i].key() == Some(key)
            })
            .ok()?;
        let (i, _) = entry.remove();
        // The last record takes the closed one's place: its index entry follows.
        let last = self.records.len() - 1;
        if i != last && self.records[last].key().is_some() {
            let hash = record_hash(&self.state, &self.records[last]);
            if let Some(place) = self.by_key.find_mut(hash, |&j| j == last) {
                *place = i;
            }
        }
        let closed = self.records.swap_remove(i);
        self.services.release(&self.state, closed.service);
        if closed.token != NO_TOKEN {
            self.tokens.release(&self.state, closed.token);
        }
        Some((closed.reference(), closed.opened_at))
    }

    /// The open incidents, in order of creation. The records are put in that order where they are (a
    /// closed incident's place was taken by the last one), and the index rebuilt: no copy is made.
    pub(super) fn iter(&mut self) -> OpenIncidents<'_> {
        if !self.records.is_sorted_by_key(|r| r.id) {
            self.records.sort_unstable_by_key(|r| r.id);
            self.by_key.clear();
            let (records, state) = (&self.records, &self.state);
            for (i, r) in records.iter().enumerate() {
                if r.key().is_some() {
                    self.by_key.insert_unique(record_hash(state, r), i, |&j| {
                        record_hash(state, &records[j])
                    });
                }
            }
        }
        OpenIncidents {
            store: self,
            next: 0,
        }
    }
}

/// An open incident, as the simulation keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenIncident<'a> {
    /// [`Incident::id`].
    pub id: usize,
    /// The service it belongs to.
    pub service: &'a str,
    /// Its mapping value; `None`: it can never be resolved through the API.
    pub map_key: Option<&'a str>,
    pub title: &'a str,
    /// The request that created it.
    pub created_by: usize,
    /// Repeats folded into it.
    pub duplicates: usize,
    /// When it was opened, where known.
    pub opened_at: Option<Millis>,
    /// The token of the request that opened it, if it carried one.
    pub opened_with: Option<&'a str>,
}

/// The open incidents in order of creation, one at a time.
pub struct OpenIncidents<'a> {
    store: &'a Store,
    next: usize,
}

impl<'a> Iterator for OpenIncidents<'a> {
    type Item = OpenIncident<'a>;

    fn next(&mut self) -> Option<OpenIncident<'a>> {
        let store = self.store;
        let r = store.records.get(self.next)?;
        self.next += 1;
        Some(OpenIncident {
            id: r.id,
            service: store.services.get(r.service),
            map_key: r.key(),
            title: r.title(),
            created_by: r.created_by,
            duplicates: r.duplicates,
            opened_at: r.opened_at,
            opened_with: (r.token != NO_TOKEN).then(|| store.tokens.get(r.token)),
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.store.records.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for OpenIncidents<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_88_bytes() {
        assert_eq!(std::mem::size_of::<Record>(), 88);
    }
}
