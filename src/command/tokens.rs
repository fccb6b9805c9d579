//! The tokens Callgoose knows, as `replay` and `serve` take them: `--token`, else the white-space
//! separated tokens of `SQIBS_TOKEN`, read against the names of the loaded services (the rules are
//! `access`'s). Errors and notes name a token by its position only.

use crate::access::Tokens;
use crate::render::Messages;
use crate::secrets::Secret;
use crate::settings::Environment;
use anyhow::{Result, bail};

/// The tokens of `--token`, else of `SQIBS_TOKEN`. A variable that is set but holds no token (a CI
/// secret that is missing) is an error, not a run without token checks; `unchecked` says what leaving
/// it unset does (`replay without checking tokens`).
pub(super) fn given(given: Vec<Secret>, env: &Environment, unchecked: &str) -> Result<Vec<Secret>> {
    if !given.is_empty() {
        return Ok(given);
    }
    let Some(tokens) = &env.tokens else {
        return Ok(Vec::new());
    };
    let tokens: Vec<Secret> = tokens
        .expose()
        .split_whitespace()
        .map(Secret::new)
        .collect();
    if tokens.is_empty() {
        bail!(
            "SQIBS_TOKEN is set but holds no token (a CI secret that is not defined gives an empty one): give the tokens Callgoose knows, separated by white space, or unset it to {unchecked}"
        );
    }
    Ok(tokens)
}

/// Reads `specs` against the services `names`, with a note for each token whose scope names no
/// service. `None` after an error: a scope with no secret after it.
pub(super) fn read(
    specs: &[Secret],
    names: &[&str],
    messages: &mut Messages<'_>,
) -> Option<Tokens> {
    let (tokens, found) = Tokens::parse(specs.iter().map(Secret::expose), names);
    if let Some((position, service)) = found.empty.first() {
        messages.error(&format!(
            "token #{position} is `{service}=` with no secret after it (an unset variable, as in {service}=$TOKEN, gives one); give the token Callgoose knows for {service}"
        ));
        return None;
    }
    for position in found.read_as_global {
        // The token is named by its position only: the text before `=` may be part of the secret.
        messages.note(&format!(
            "token #{position} is written NAME=SECRET but NAME is no loaded service, so the whole text is one global token; write SERVICE=SECRET with a service of the filters ({}), or *=SECRET to say it is global",
            names.join(", ")
        ));
    }
    Some(tokens)
}
