use super::*;
use crate::document::KeySet;
use crate::payload::Json;
use serde_json::Value;
use std::sync::Arc;

/// A body as seen by a test: name, index, and the parsed JSON text or the error.
type Seen = Result<(String, usize, Result<String, String>), String>;

fn bodies(input: &str) -> Vec<Seen> {
    Bodies::new("in", input.as_bytes())
        .map(|b| {
            b.map(|b| {
                let payload = b
                    .payload
                    .map(|p| match (&p.json, p.value()) {
                        (_, Some(v)) => v.to_string(),
                        (Err(e), None) => {
                            format!("text {:?} ({}:{})", p.raw, e.line, e.column)
                        }
                        (Ok(_), None) => unreachable!("JSON without a value"),
                    })
                    .map_err(|e| e.to_string());
                (b.name, b.index, payload)
            })
            .map_err(|e| e.to_string())
        })
        .collect()
}

#[test]
fn a_single_body_keeps_the_input_name() {
    assert_eq!(
        bodies("{\"a\": 1}\n"),
        [Ok(("in".into(), 1, Ok("{\"a\":1}".into())))]
    );
}

#[test]
fn several_bodies_are_numbered() {
    let got = bodies("{\"a\":1}\n{\"a\":2}\n");
    assert_eq!(got[0], Ok(("in#1".into(), 1, Ok("{\"a\":1}".into()))));
    assert_eq!(got[1], Ok(("in#2".into(), 2, Ok("{\"a\":2}".into()))));
}

#[test]
fn a_broken_body_in_a_stream_is_an_error_and_the_rest_go_on() {
    let got = bodies("{\"a\":1}\n{\"a\": tru}\n{\"a\":3}\n");
    assert_eq!(got.len(), 3);
    let Ok((name, 2, Err(e))) = &got[1] else {
        panic!("{got:?}")
    };
    assert_eq!(name, "in#2");
    assert_eq!(e, "line 2, column 10: expected ident: the body is skipped");
    assert_eq!(got[2], Ok(("in#3".into(), 3, Ok("{\"a\":3}".into()))));
}

#[test]
fn a_pretty_body_with_nested_lines_in_column_0_is_one_request() {
    let body =
        "{\n\"status\": \"firing\",\n\"alerts\": [\n{\n\"id\": 1\n},\n{\n\"id\": 2\n}\n]\n}\n";
    let got = bodies(body);
    assert_eq!(got.len(), 1, "{got:?}");
    let Ok((name, 1, Ok(json))) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(name, "in");
    assert_eq!(json, r#"{"status":"firing","alerts":[{"id":1},{"id":2}]}"#);
}

#[test]
fn text_before_the_first_json_body_is_broken_bodies_of_its_own() {
    let got = bodies("server down\n{\"a\": tru} {\"a\":1}\n\"x\n{\"a\":2}\n");
    let seen: Vec<_> = got
        .iter()
        .map(|b| {
            let (name, _, p) = b.as_ref().unwrap();
            (
                name.as_str(),
                p.as_ref().map_err(|e| e.as_str()).map(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "in#1",
                Err("line 1, column 1: expected value: the body is skipped")
            ),
            (
                "in#2",
                Err("line 1, column 8: expected value: the body is skipped")
            ),
            (
                "in#3",
                Err("line 2, column 10: expected ident: the body is skipped")
            ),
            ("in#4", Ok("{\"a\":1}")),
            (
                "in#5",
                Err("line 3, column 2: EOF while parsing a string: the body is skipped")
            ),
            ("in#6", Ok("{\"a\":2}")),
        ]
    );
}

#[test]
fn a_json_line_after_text_ends_the_text() {
    let got = bodies("oops\n{\"a\":1}\n{\"a\":2}\n");
    assert_eq!(got.len(), 3);
    assert_eq!(got[1], Ok(("in#2".into(), 2, Ok("{\"a\":1}".into()))));
    assert_eq!(got[2], Ok(("in#3".into(), 3, Ok("{\"a\":2}".into()))));
}

fn limited(input: &[u8], max: usize) -> Vec<Result<String, String>> {
    Bodies::new("in", input)
        .limited_to(max)
        .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
        .collect()
}

#[test]
fn a_body_longer_than_the_limit_ends_the_input() {
    let ok = "{\"a\":\"12345\"}";
    assert_eq!(ok.len(), 13);
    assert_eq!(
        limited(format!("{ok}\r\n").as_bytes(), 13),
        [Ok("in".into())]
    );
    let pretty = format!("{ok}\n[\n1111,\n2222,\n3333\n]\n{ok}\n");
    assert_eq!(
        limited(pretty.as_bytes(), 8),
        [Err("in: line 1: the line is longer than --max-body (8 bytes): the rest of the input is skipped; raise --max-body to read it".into())]
    );
    assert_eq!(
        limited(pretty.as_bytes(), 13),
        [
            Ok("in#1".into()),
            Err("in: line 2, column 1: the body starting here is longer than --max-body (13 bytes): the rest of the input is skipped; raise --max-body to read it".into())
        ]
    );
    assert_eq!(limited(pretty.as_bytes(), 21).len(), 3);
}

#[test]
fn an_endless_line_or_body_stops_at_the_limit() {
    let zeros = std::io::Read::take(std::io::repeat(0), u64::MAX);
    let got: Vec<_> = Bodies::new("zero.json", std::io::BufReader::new(zeros))
        .limited_to(1 << 20)
        .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
        .collect();
    assert_eq!(
        got,
        [Err("zero.json: line 1: the line is longer than --max-body (1 MiB): the rest of the input is skipped; raise --max-body to read it".into())]
    );
    let brackets = std::io::Read::take(std::io::repeat(b'['), u64::MAX);
    let lines = std::io::Read::chain(
        &b"[\n"[..],
        std::io::Read::take(std::io::repeat(b'\n'), u64::MAX),
    );
    assert_eq!(
        Bodies::new("in", std::io::BufReader::new(brackets))
            .limited_to(1 << 20)
            .count(),
        1
    );
    let got: Vec<_> = Bodies::new("in", std::io::BufReader::new(lines))
        .limited_to(1 << 16)
        .map(|b| b.map(|b| b.name).map_err(|e| e.to_string()))
        .collect();
    assert_eq!(
        got,
        [Err("in: line 1, column 1: the body starting here is longer than --max-body (64 KiB): the rest of the input is skipped; raise --max-body to read it".into())]
    );
}

#[test]
fn text_without_json_beyond_the_limit_is_refused() {
    let text = "word\n".repeat(100);
    assert_eq!(
        limited(text.as_bytes(), 200),
        [Err("in: more than --max-body (200 bytes) of text before any JSON body: the input is skipped, as a text body may hold no more; raise --max-body to read it".into())]
    );
    assert_eq!(limited(text.as_bytes(), 500), [Ok("in".into())]);
}

#[test]
fn lazy_and_full_reads_agree_on_lone_surrogates() {
    // A lone surrogate in a kept value, in skipped ones, and in a top-level key (which a lazy read
    // leaves to a full parse).
    let input = "{\"status\": \"fir\\ud83ding\", \"o\": {\"\\udc00\": 1}, \"skipped\": \"\\ud83d\"}\n{\"a\\ud800\": \"x\"}\n";
    let keys = Arc::new(KeySet::of(&[], [&crate::keypath::KeyPath::parse("status")]));
    let lazy: Vec<_> = Bodies::new("in", input.as_bytes())
        .reading_only(keys)
        .map(|b| b.unwrap().payload.unwrap())
        .collect();
    let full: Vec<_> = Bodies::new("in", input.as_bytes())
        .map(|b| b.unwrap().payload.unwrap())
        .collect();
    assert!(matches!(lazy[0].json, Ok(Json::Lazy(_))));
    for (lazy, full) in lazy.iter().zip(&full) {
        assert_eq!(lazy.raw, full.raw);
        assert_eq!(lazy.value(), full.value());
    }
    let status = crate::keypath::KeyPath::parse("status");
    let doc = crate::document::LazyRef {
        doc: match &lazy[0].json {
            Ok(Json::Lazy(doc)) => doc,
            other => panic!("{other:?}"),
        },
        raw: &lazy[0].raw,
    };
    use crate::document::Document;
    assert_eq!(doc.text(&status).as_deref(), Some("fir\u{fffd}ing"));
    assert_eq!(
        full[0].value().unwrap().text(&status).as_deref(),
        Some("fir\u{fffd}ing")
    );
}

#[test]
fn a_text_body_is_one_request() {
    let got = bodies("server down\non host-1\n");
    assert_eq!(
        got,
        [Ok((
            "in".into(),
            1,
            Ok("text \"server down\\non host-1\\n\" (1:1)".into())
        ))]
    );
}

#[test]
fn a_truncated_single_body_is_a_text_body_with_the_position() {
    let got = bodies("{\"status\": \"firing\"");
    assert_eq!(
        got,
        [Ok((
            "in".into(),
            1,
            Ok("text \"{\\\"status\\\": \\\"firing\\\"\" (1:19)".into())
        ))]
    );
}

#[test]
fn empty_input_is_an_error() {
    assert_eq!(
        bodies(" \n"),
        [Err(
            "in is empty: give a JSON body (or a text body) to evaluate".into()
        )]
    );
}

#[test]
fn a_byte_order_mark_is_dropped() {
    assert_eq!(bodies("\u{feff}{\"a\":1}").len(), 1);
    assert!(bodies("\u{feff}{\"a\":1}")[0].as_ref().unwrap().2.is_ok());
}

/// Found by fuzzing: a control character in a string that a lazy read skips was placed one column
/// off from where a full parse places it.
#[test]
fn lazy_and_full_reads_report_a_broken_body_alike() {
    let input = "{\"skipped\": \"a\u{1}b\", \"status\": \"x\"}\n{}\n";
    let keys = Arc::new(KeySet::default());
    let lazy = Bodies::new("in", input.as_bytes()).reading_only(keys);
    let full = Bodies::new("in", input.as_bytes());
    let errors: Vec<_> = [lazy, full]
        .into_iter()
        .map(|mut b| b.next().unwrap().unwrap().payload.unwrap_err())
        .collect();
    assert_eq!(errors[0], errors[1]);
    assert_eq!(errors[0].0.column, 15);
}

#[test]
fn the_raw_text_of_each_body_is_kept() {
    let mut b = Bodies::new("in", "{ \"a\" : 1 }\n".as_bytes());
    let body = b.next().unwrap().unwrap();
    assert_eq!(body.payload.unwrap().raw, "{ \"a\" : 1 }");
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z{}\\[\\]\",: \\\\]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z{\\[]{0,3}", inner), 0..4)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// `value` pretty-printed with `indent` (empty: every nested line in column 0).
    fn pretty(value: &Value, indent: &[u8]) -> String {
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        value.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// A body as both reads must see it: name, and raw text or error; or the input's error.
    type Read = Result<(String, Result<String, String>), String>;

    proptest! {
        #[test]
        fn json_values_back_to_back_are_cut_exactly_whatever_their_indentation(
            values in prop::collection::vec(json(), 1..5),
            indent in prop::sample::select(vec!["", " ", "\t"]),
        ) {
            let containers: Vec<&Value> =
                values.iter().filter(|v| v.is_object() || v.is_array()).collect();
            prop_assume!(!containers.is_empty());
            let input: String = containers
                .iter()
                .map(|v| pretty(v, indent.as_bytes()) + "\n")
                .collect();
            let keys = Arc::new(KeySet::default());
            for read in [Bodies::new("in", input.as_bytes()), Bodies::new("in", input.as_bytes()).reading_only(Arc::clone(&keys))] {
                let got: Vec<Value> = read
                    .map(|b| b.unwrap().payload.unwrap().value().unwrap().into_owned())
                    .collect();
                prop_assert_eq!(&got, &containers.iter().map(|v| (*v).clone()).collect::<Vec<_>>());
            }
        }

        #[test]
        fn any_text_is_read_alike_by_both_reads_and_never_panics(
            text in "[{}\\[\\]\",:a1 \n\\\\]{0,120}",
        ) {
            let keys = Arc::new(KeySet::default());
            let seen = |bodies: Bodies<&[u8]>| -> Vec<Read> {
                bodies
                    .map(|b| {
                        b.map(|b| (b.name, b.payload.map(|p| p.raw).map_err(|e| e.to_string())))
                            .map_err(|e| e.to_string())
                    })
                    .collect()
            };
            let full = seen(Bodies::new("in", text.as_bytes()));
            let lazy = seen(Bodies::new("in", text.as_bytes()).reading_only(keys));
            prop_assert_eq!(full, lazy);
        }

        #[test]
        fn any_text_is_read_alike_when_its_parsing_is_left_to_the_taker(
            text in "[{}\\[\\]\",:a1 \n\\\\]{0,120}",
        ) {
            let keys = Arc::new(KeySet::default());
            let read = |b: Result<Body>| -> Read {
                b.map(|b| (b.name, b.payload.map(|p| p.raw).map_err(|e| e.to_string())))
                    .map_err(|e| e.to_string())
            };
            let deferred = |bodies: Bodies<&[u8]>, keys: Option<&KeySet>| -> Vec<Read> {
                let mut bodies = bodies.deferring();
                std::iter::from_fn(|| bodies.next_raw())
                    .map(|b| read(b.map(|b| b.parse(keys))))
                    .collect()
            };
            let full: Vec<Read> = Bodies::new("in", text.as_bytes()).map(read).collect();
            prop_assert_eq!(&deferred(Bodies::new("in", text.as_bytes()), None), &full);
            let lazy: Vec<Read> =
                Bodies::new("in", text.as_bytes()).reading_only(Arc::clone(&keys)).map(read).collect();
            let lazy_deferred = deferred(
                Bodies::new("in", text.as_bytes()).reading_only(Arc::clone(&keys)),
                Some(&keys),
            );
            prop_assert_eq!(lazy_deferred, lazy);
        }

        #[test]
        fn json_lines_are_cut_alike_when_their_parsing_is_left_to_the_taker(
            lines in prop::collection::vec("[\\{\\[][a\":1,{}\\[\\] \\\\]{0,10}[\\}\\]]? ?", 0..12),
        ) {
            // A first JSON body makes the input a stream: the lines after it are only cut.
            let text = format!("{{\"a\":1}}\n{}\n", lines.join("\n"));
            let read = |b: Result<Body>| -> Read {
                b.map(|b| (b.name, b.payload.map(|p| p.raw).map_err(|e| e.to_string())))
                    .map_err(|e| e.to_string())
            };
            let full: Vec<Read> = Bodies::new("in", text.as_bytes()).map(read).collect();
            let mut bodies = Bodies::new("in", text.as_bytes()).deferring();
            let deferred: Vec<Read> = std::iter::from_fn(|| bodies.next_raw())
                .map(|b| read(b.map(|b| b.parse(None))))
                .collect();
            prop_assert_eq!(deferred, full);
        }
    }
}
