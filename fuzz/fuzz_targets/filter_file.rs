//! Fuzzes filter-file loading: any text is either a service or located errors, never a panic; a
//! service that loads evaluates a body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqibs_filter::eval::evaluate;
use sqibs_filter::filter::parse_service;
use sqibs_filter::payload::Payload;
use sqibs_filter::semantics::SemanticsLayer;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_service(Path::new("fuzz.toml"), text, SemanticsLayer::default()) {
        Ok(service) => {
            let body = serde_json::json!({"status": "firing", "labels": {"a.b": [1, "x"]}});
            let _ = evaluate(&service, &Payload::json(body.to_string(), body));
        }
        Err(e) => {
            // Every error renders.
            let _ = format!("{e:#}");
        }
    }
});
