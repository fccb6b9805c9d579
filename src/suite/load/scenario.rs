//! Reading a `[[scenario]]`: its steps in order (body, token, state and expected action), the tokens
//! Callgoose knows read against the services of the filters, and the incidents expected open.

use super::Loader;
use crate::access::Tokens;
use crate::filter::State;
use crate::secrets::Secrets;
use crate::simulation::Action;
use crate::suite::schema::ScenarioDoc;
use crate::suite::val::Val;
use crate::suite::{Case, CaseBody, Field, Stated, Step};
use toml::Spanned;

impl Loader<'_> {
    pub(super) fn scenario(
        &mut self,
        index: usize,
        scenario: &Spanned<ScenarioDoc>,
    ) -> Option<Case> {
        let doc = scenario.get_ref();
        let ctx = format!("in scenario #{} \"{}\"", index + 1, doc.name.get_ref());
        let service = self.service(doc.service.as_ref(), doc.from.as_ref(), scenario, &ctx);
        if doc.step.is_empty() {
            self.error(
                "the scenario has no steps".into(),
                doc.name.span(),
                &ctx,
                "add [[scenario.step]] tables, each with a payload and the action it should take",
            );
        }
        let tokens = self.tokens(doc.tokens.as_ref(), &ctx);
        let mut steps = Vec::new();
        let mut expect = Vec::new();
        for (i, step) in doc.step.iter().enumerate() {
            let s = step.get_ref();
            let payload = self.payload(s.payload.as_ref(), s.body.as_ref(), step.span(), &ctx);
            let token = s.token.as_ref().and_then(|t| {
                if t.get_ref().is_empty() {
                    self.error(
                        format!("step {} carries an empty token", i + 1),
                        t.span(),
                        &ctx,
                        "give the token the request carries, or leave `token` out for a request without one",
                    );
                }
                Some(t.get_ref().clone()).filter(|t| !t.is_empty())
            });
            let state = s.state.as_ref().and_then(|t| {
                let state = State::parse(t.get_ref());
                if state.is_none() {
                    self.error(
                        format!("unknown state `{}`", t.get_ref()),
                        t.span(),
                        &ctx,
                        &State::help(),
                    );
                }
                state
            });
            match &s.expect {
                Some(e) => {
                    if let Some(value) = self.actions(e, &ctx) {
                        expect.push(Stated {
                            field: Field::Step(i),
                            value,
                            line: self.line(e.span()),
                        });
                    }
                }
                None if !self.bless => self.error(
                    format!("step {} states no expected action", i + 1),
                    step.span(),
                    &ctx,
                    &format!(
                        "add expect = \"created\" (or {}), or run with --bless",
                        action_names()
                    ),
                ),
                None => {}
            }
            steps.extend(payload.map(|payload| Step {
                payload,
                token,
                state,
            }));
        }
        if let Some(open) = &doc.open {
            expect.push(Stated {
                field: Field::Open,
                value: Val::Array(open.get_ref().iter().map(Val::str).collect()),
                line: self.line(open.span()),
            });
        }
        let complete = steps.len() == doc.step.len();
        // Every token the scenario names is a secret of its reports, known or carried.
        let secrets = Secrets::new(
            tokens
                .secrets()
                .chain(steps.iter().filter_map(|s: &Step| s.token.clone())),
        );
        Some(Case {
            name: doc.name.get_ref().clone(),
            line: self.line(scenario.span()),
            index,
            skip: doc.skip,
            service: service?,
            secrets,
            body: CaseBody::Scenario {
                tokens,
                steps,
                expect,
            },
        })
        .filter(|_| complete)
    }

    /// The tokens a scenario says Callgoose knows, read against the services of its filters. A token
    /// is named by its position only, never quoted.
    fn tokens(&mut self, tokens: Option<&Spanned<Vec<String>>>, ctx: &str) -> Tokens {
        let Some(tokens) = tokens else {
            return Tokens::default();
        };
        if tokens.get_ref().iter().any(String::is_empty) {
            self.error(
                "a token in `tokens` is empty".into(),
                tokens.span(),
                ctx,
                "give each token Callgoose knows, as \"SECRET\" or \"SERVICE=SECRET\"",
            );
        }
        let names: Vec<&str> = self.services.iter().map(|s| s.name.as_str()).collect();
        let specs = tokens.get_ref().iter().filter(|t| !t.is_empty());
        let (read, found) = Tokens::parse(specs.map(String::as_str), &names);
        for (position, service) in found.empty {
            self.error(
                format!("token {position} of `tokens` is `{service}=` with no secret after it"),
                tokens.span(),
                ctx,
                &format!("give the token Callgoose knows for {service}"),
            );
        }
        for position in found.read_as_global {
            self.error(
                format!(
                    "token {position} of `tokens` is written NAME=SECRET, but NAME is no service of the filters"
                ),
                tokens.span(),
                ctx,
                &format!(
                    "name one of: {} (or write a global token that holds `=` as \"*=SECRET\")",
                    names.join(", ")
                ),
            );
        }
        read
    }

    /// `"created"` or `"created+resolved"`, checked and kept as written.
    fn actions(&mut self, e: &Spanned<String>, ctx: &str) -> Option<Val> {
        let bad: Vec<&str> = e
            .get_ref()
            .split('+')
            .filter(|a| Action::parse(a.trim()).is_none())
            .collect();
        if bad.is_empty() {
            return Some(Val::str(e.get_ref().clone()));
        }
        self.error(
            format!("unknown action `{}`", bad.join("+")),
            e.span(),
            ctx,
            &format!(
                "use {}, or two joined with + (created+resolved)",
                action_names()
            ),
        );
        None
    }
}

fn action_names() -> String {
    Action::ALL
        .iter()
        .map(|(_, n)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
