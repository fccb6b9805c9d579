//! "Did you mean" suggestions: the closest known name to one that was not recognised.

/// The candidate closest to `unknown`, if any is close enough to be a plausible typo.
pub fn closest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = unknown.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let (limit, other) = (threshold(unknown, c), c.chars().count());
            // No fewer edits than the difference in length: most candidates are ruled out without
            // computing a distance (near misses look every key of a payload up this way).
            if length.abs_diff(other) > limit {
                return None;
            }
            let distance = strsim::damerau_levenshtein(unknown, c);
            (distance <= limit).then_some((distance, c))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// A third of the longer name, at least 1 and at most 3 edits: long enough to catch `titel_from`,
/// short enough not to offer `name` for `from`.
fn threshold(a: &str, b: &str) -> usize {
    (a.chars().count().max(b.chars().count()) / 3).clamp(1, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: [&str; 4] = ["title_from", "description_from", "map_with", "conditions"];

    #[test]
    fn finds_typos() {
        assert_eq!(closest("titel_from", FIELDS), Some("title_from"));
        assert_eq!(closest("map_wiht", FIELDS), Some("map_with"));
        assert_eq!(closest("condition", FIELDS), Some("conditions"));
    }

    #[test]
    fn offers_nothing_for_unrelated_names() {
        assert_eq!(closest("severity", FIELDS), None);
        assert_eq!(closest("x", FIELDS), None);
    }
}
