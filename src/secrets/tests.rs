//! Masking known secrets, long and short, and text shaped like one; hidden parts and their offsets;
//! a secret never formatted.

use super::*;

fn masked(run: &[&str], own: Option<&str>, text: &str) -> String {
    let secrets = Secrets::new(run.iter().map(|s| s.to_string()));
    secrets.mask(own).apply(text).into_owned()
}

fn shaped(text: &str) -> String {
    Mask::SHAPES.apply(text).into_owned()
}

#[test]
fn a_long_secret_is_hidden_anywhere_in_a_value() {
    assert_eq!(
        masked(&["s3cr3t-42"], None, "title s3cr3t-42 end xs3cr3t-42y"),
        "title *** end x***y"
    );
    assert_eq!(masked(&[], Some("s3cr3t-42"), "s3cr3t-42"), "***");
}

#[test]
fn a_short_secret_is_hidden_only_where_it_stands_alone() {
    assert_eq!(masked(&[], Some("1"), "1"), "***");
    assert_eq!(masked(&[], Some("1"), "201 #1 a1 1.5"), "201 #*** a1 1.5");
    assert_eq!(masked(&[], Some("\""), "say \"hi\""), "say \"hi\"");
    assert_eq!(masked(&[], Some("\""), "\""), "***");
    assert_eq!(masked(&[], Some("true"), "true or untrue"), "*** or untrue");
    assert_eq!(masked(&[], Some("created"), "created_by"), "created_by");
}

#[test]
fn overlapping_occurrences_and_neighbours_of_masks_are_found() {
    // The first `a a` is not alone ("ba"), the overlapping second one is.
    assert_eq!(masked(&[], Some("a a"), "ba a a"), "ba ***");
    // Once the long secret is hidden, `ab` stands alone beside its mask (and joins it).
    assert_eq!(masked(&["XYZ12345"], Some("ab"), "XYZ12345ab"), "***");
    assert_eq!(masked(&["XYZ12345"], Some("ab"), "XYZ12345abc"), "***abc");
}

#[test]
fn nothing_known_and_nothing_shaped_costs_no_copy() {
    assert!(matches!(
        Mask::SHAPES.apply("status firing"),
        Cow::Borrowed(_)
    ));
    let none = Secrets::default();
    assert!(matches!(
        none.mask(None).apply("token budget"),
        Cow::Borrowed(_)
    ));
    assert_eq!(Secrets::new([String::new()]), Secrets::default());
}

#[test]
fn url_token_parameters() {
    assert_eq!(
        shaped("https://x.callgoose.com/v1/process?from=Tigera&token=abc123&x=1"),
        "https://x.callgoose.com/v1/process?from=Tigera&token=***&x=1"
    );
    assert_eq!(
        shaped("?Token=ABC \"access_token=q\""),
        "?Token=*** \"access_token=***\""
    );
    // Escaped JSON text: the backslash of `\"` ends the value.
    assert_eq!(
        shaped(r#"{\"u\":\"?token=abc\"}"#),
        r#"{\"u\":\"?token=***\"}"#
    );
    assert_eq!(shaped("token= x"), "token= x");
}

#[test]
fn bearer_credentials_but_not_ring_bearers() {
    assert_eq!(
        shaped("Authorization: Bearer eyJhbGci.x-y_z end"),
        "Authorization: Bearer *** end"
    );
    assert_eq!(
        shaped("\"authorization\": \"bearer t0k\""),
        "\"authorization\": \"bearer ***\""
    );
    assert_eq!(
        shaped("Authorization: Bearer abc"),
        "Authorization: Bearer ***"
    );
    assert_eq!(
        shaped("authorization: BeArEr z9y8x7"),
        "authorization: BeArEr ***"
    );
    assert_eq!(shaped("the ring bearer service"), "the ring bearer service");
    assert_eq!(shaped("bearer bonds"), "bearer bonds");
    assert_eq!(shaped("firebearer 1234"), "firebearer 1234");
}

#[test]
fn json_token_fields_plain_or_escaped() {
    assert_eq!(
        shaped(r#"{"token": "abc", "n": 1}"#),
        r#"{"token": "***", "n": 1}"#
    );
    assert_eq!(
        shaped(r#"{"d":"{\"api_token\":\"abc\"}"}"#),
        r#"{"d":"{\"api_token\":\"***\"}"}"#
    );
    // An escaped quote inside the value does not end it.
    assert_eq!(
        shaped(r#"{"token":"a\"b","x":1}"#),
        r#"{"token":"***","x":1}"#
    );
    assert_eq!(
        shaped(r#"{\"token\":\"a\\\"b\",\"x\":1}"#),
        r#"{\"token\":\"***\",\"x\":1}"#
    );
    // Twice escaped.
    assert_eq!(
        shaped(r#"\\\"token\\\":\\\"v\\\""#),
        r#"\\\"token\\\":\\\"***\\\""#
    );
    assert_eq!(
        shaped(r#"{"tokens": 5, "tokenizer": "bpe", "token": 7}"#),
        r#"{"tokens": 5, "tokenizer": "bpe", "token": 7}"#
    );
    // Unterminated: hidden to the end of this value, and only of this value.
    assert_eq!(shaped(r#"say "token":"oops"#), r#"say "token":"***"#);
}

#[test]
fn the_words_that_introduce_shapes_are_found_in_any_case() {
    assert_eq!(shaped("?ToKeN=abc"), "?ToKeN=***");
    assert_eq!(shaped(r#"{"Api_TOKEN": "abc"}"#), r#"{"Api_TOKEN": "***"}"#);
}

#[test]
fn hidden_parts_say_what_they_were_and_map_offsets() {
    let secrets = Secrets::new(["s3cr3t-42".to_string()]);
    let mask = secrets.mask(None);
    let text = "ab s3cr3t-42 cd";
    let hidden = mask.hidden(text);
    assert_eq!(hidden.first(), Some(Kind::Known));
    assert_eq!(hidden.apply(text), "ab *** cd");
    // "cd" moves left by the difference; "ab" stays; a range inside the secret covers the mask.
    assert_eq!(hidden.map(13..15), 7..9);
    assert_eq!(hidden.map(0..2), 0..2);
    assert_eq!(hidden.map(5..7), 3..6);
    assert_eq!(hidden.starting_at(3), Some(3..12));
    assert_eq!(Mask::SHAPES.hidden("Bearer x1").first(), Some(Kind::Bearer));
}

#[test]
fn a_secret_is_never_formatted() {
    let secret = Secret::new("s3cr3t-42");
    assert_eq!(format!("{secret:?}"), "Secret(***)");
    assert_eq!(format!("{:?}", Some(secret.clone())), "Some(Secret(***))");
    assert_eq!(secret.expose(), "s3cr3t-42");
}
