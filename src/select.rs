//! Choosing cases by name: a plain text selects names containing it, a pattern with `*` (any run of
//! characters) or `?` (one character) must match the whole name.

/// Whether `name` is selected by `patterns`; no pattern selects everything.
pub fn selected(name: &str, patterns: &[String]) -> bool {
    patterns.is_empty()
        || patterns.iter().any(|p| {
            if p.contains(['*', '?']) {
                glob(
                    &p.chars().collect::<Vec<_>>(),
                    &name.chars().collect::<Vec<_>>(),
                )
            } else {
                name.contains(p.as_str())
            }
        })
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    // Iterative matching with backtracking to the last `*`: linear in practice, no recursion.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(c) if *c == '?' || *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::selected;

    fn sel(name: &str, pattern: &str) -> bool {
        selected(name, &[pattern.to_owned()])
    }

    #[test]
    fn plain_text_is_a_substring() {
        assert!(sel("tigera lifecycle", "life"));
        assert!(!sel("tigera lifecycle", "Life"));
    }

    #[test]
    fn patterns_match_the_whole_name() {
        assert!(sel("tigera lifecycle", "tigera*"));
        assert!(sel("tigera lifecycle", "*cycle"));
        assert!(sel("tigera lifecycle", "t?gera *"));
        assert!(!sel("tigera lifecycle", "tigera?"));
        assert!(!sel("tigera lifecycle", "sedai*"));
        assert!(sel("a*b", "a*b"));
        assert!(sel("aXXbYYb", "a*b"));
    }

    #[test]
    fn no_pattern_selects_all_and_several_are_or_ed() {
        assert!(selected("x", &[]));
        assert!(selected("x", &["y".into(), "x".into()]));
    }
}
