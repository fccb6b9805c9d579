use super::*;

fn split(input: &str) -> Vec<(String, usize, usize)> {
    let bytes = input.as_bytes();
    let mut s = Splitter::new();
    let mut out = Vec::new();
    let mut at = 0;
    for line in input.split_inclusive('\n') {
        s.push_line(&bytes[..at + line.len()], 0, at, &mut out);
        at += line.len();
    }
    s.finish(bytes, 0, &mut out);
    out.into_iter()
        .map(|c| (input[c.start..c.end].to_owned(), c.line, c.column))
        .collect()
}

fn texts(input: &str) -> Vec<String> {
    split(input).into_iter().map(|c| c.0).collect()
}

#[test]
fn json_lines() {
    let got = split("{\"a\":1}\n{\"b\":[2]}\n");
    assert_eq!(
        got,
        [("{\"a\":1}".into(), 1, 1), ("{\"b\":[2]}".into(), 2, 1)]
    );
}

#[test]
fn pretty_values_back_to_back() {
    let got = split("{\n  \"a\": {\"x\": \"}\"}\n}\n  [1,\n 2]{\"c\":3}");
    assert_eq!(
        got,
        [
            ("{\n  \"a\": {\"x\": \"}\"}\n}".into(), 1, 1),
            ("[1,\n 2]".into(), 4, 3),
            ("{\"c\":3}".into(), 5, 4),
        ]
    );
}

#[test]
fn a_pretty_body_whose_nested_lines_start_in_column_0_is_one_body() {
    // As `json.dumps(indent=0)` writes it: every nested line starts in column 0.
    let body = "{\n\"alerts\": [\n{\n\"status\": \"firing\"\n},\n[\n1,\n{\"x\": [2]}\n]\n],\n\"n\": {}\n}\n";
    assert_eq!(texts(body), [body.trim_end()]);
    assert_eq!(texts(&format!("{body}{body}")).len(), 2);
}

#[test]
fn escaped_quotes_stay_inside_strings() {
    let got = split(r#"{"a":"x\"}"} {"b":"\\"}"#);
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].0, r#"{"b":"\\"}"#);
    let pretty = "{\n\"a\": \"x\\\"}\",\n\"b\": \"\\\\\"\n}";
    assert_eq!(texts(pretty), [pretty]);
}

#[test]
fn a_truncated_line_does_not_swallow_the_next() {
    let got = split("{\"a\": [1,\n{\"b\":2}\n");
    assert_eq!(
        got,
        [("{\"a\": [1,\n".into(), 1, 1), ("{\"b\":2}".into(), 2, 1)]
    );
}

#[test]
fn a_truncated_line_before_json_lines_breaks_on_the_first_line_it_cannot_continue() {
    let got = split("{\"a\": [1,\n{\"b\":2}\n{\"c\":3}\n{\"d\":4}\n");
    assert_eq!(
        got,
        [
            ("{\"a\": [1,\n".into(), 1, 1),
            ("{\"b\":2}".into(), 2, 1),
            ("{\"c\":3}".into(), 3, 1),
            ("{\"d\":4}".into(), 4, 1),
        ]
    );
}

#[test]
fn a_truncated_pretty_body_before_a_pretty_one() {
    let input = "{\n  \"a\": [1,\n{\n  \"b\": 2\n}\n{\n  \"c\": 3\n}\n";
    assert_eq!(
        texts(input),
        ["{\n  \"a\": [1,\n", "{\n  \"b\": 2\n}", "{\n  \"c\": 3\n}"]
    );
}

#[test]
fn a_broken_pretty_body_stays_one_body() {
    // The missing comma breaks the grammar; the recovery rule counts brackets to its end.
    let input = "{\n  \"a\": 1\n  \"b\": {\"c\": 2}\n}\n{\"d\": 4}\n";
    assert_eq!(
        texts(input),
        ["{\n  \"a\": 1\n  \"b\": {\"c\": 2}\n}", "{\"d\": 4}"]
    );
}

#[test]
fn an_unterminated_string_does_not_swallow_the_next_line() {
    let got = split("{\"a\": \"x}\n{\"b\":2}\n");
    assert_eq!(got[1], ("{\"b\":2}".into(), 2, 1));
    let got = split("{\n\"a\": \"x}\n{\"b\":2}\n");
    assert_eq!(got[1], ("{\"b\":2}".into(), 3, 1));
}

#[test]
fn grammar_errors_break_a_body() {
    for broken in [
        "[1 2]",
        "{\"a\" 1}",
        "{1: 2}",
        "[1,]",
        "{\"a\":1,}",
        "[}",
        "{]",
        "[:]",
        "[1,,2]",
        "{\"a\"::1}",
        "[\u{1}]",
    ] {
        let line = format!("{broken}\n");
        let mut g = Grammar::new(line.as_bytes()[0]);
        assert!(
            matches!(g.run(line.as_bytes(), 1), Run::Broken(_)),
            "{broken}"
        );
        let got = texts(&format!("{line}{{\"next\": 1}}\n"));
        assert_eq!(
            got.last().map(String::as_str),
            Some("{\"next\": 1}"),
            "{broken}"
        );
    }
}

#[test]
fn deep_nesting_needs_no_recursion() {
    let deep = format!("{}\n{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(texts(&deep), [deep.as_str()]);
}

#[test]
fn scalars_and_words() {
    let got = split("\"a b\" 42 true\nserver down");
    let texts: Vec<_> = got.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(texts, ["\"a b\"", "42", "true", "server", "down"]);
}

#[test]
fn columns_count_characters() {
    let got = split("\"é\" {\"x\":1}");
    assert_eq!(got[1].2, 5);
}

#[test]
fn whitespace_only_has_no_chunks() {
    assert!(split(" \n\t\r\n").is_empty());
}

/// [`super::whole_line_value`] as first written, byte by byte: the reference for the one that skips
/// strings whole.
fn whole_line_value_bytewise(line: &[u8]) -> Option<usize> {
    if !matches!(line.first(), Some(b'{' | b'[')) {
        return None;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in line.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            } else if b == b'\n' {
                return None;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    let rest = &line[i + 1..];
                    return rest.iter().all(u8::is_ascii_whitespace).then_some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn a_whole_line_value_ends_where_the_bytewise_reading_says() {
    const ALPHABET: &[u8] = b"{}[]\"\\\n a";
    let mut line = Vec::new();
    for len in 0..7u32 {
        for mut n in 0..ALPHABET.len().pow(len) {
            line.clear();
            line.push(b'{');
            for _ in 0..len {
                line.push(ALPHABET[n % ALPHABET.len()]);
                n /= ALPHABET.len();
            }
            assert_eq!(
                super::whole_line_value(&line),
                whole_line_value_bytewise(&line),
                "{:?}",
                String::from_utf8_lossy(&line)
            );
        }
    }
}
