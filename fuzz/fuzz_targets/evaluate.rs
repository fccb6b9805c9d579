//! Fuzzes payload evaluation: any input, split into bodies, read lazily and in full, evaluated against
//! the shipped filters and a troubleshooting copy, retraced and rendered. Lazy and full reads must
//! agree, and nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sqibs_filter::document::KeySet;
use sqibs_filter::eval::evaluate;
use sqibs_filter::explain;
use sqibs_filter::filter::{Service, parse_service};
use sqibs_filter::input::Bodies;
use sqibs_filter::semantics::SemanticsLayer;
use std::path::Path;
use std::sync::{Arc, OnceLock};

fn services() -> &'static [Service] {
    static SERVICES: OnceLock<Vec<Service>> = OnceLock::new();
    SERVICES.get_or_init(|| {
        [
            ("tigera.toml", include_str!("../../filters/tigera.toml")),
            ("sedai.toml", include_str!("../../filters/sedai.toml")),
            (
                "nested.toml",
                include_str!("../../samples/troubleshooting/nested-key.toml"),
            ),
        ]
        .iter()
        .map(|(name, text)| {
            parse_service(Path::new(name), text, SemanticsLayer::default()).unwrap()
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let services = services();
    let keys = Arc::new(KeySet::of(services, std::iter::empty()));
    let lazy = Bodies::new("fuzz", data).reading_only(keys);
    let full = Bodies::new("fuzz", data);
    for (lazy, full) in lazy.zip(full) {
        let (Ok(lazy), Ok(full)) = (lazy, full) else {
            continue;
        };
        assert_eq!(lazy.name, full.name);
        // Both reads must accept and refuse the same bodies, with the same message at the same place.
        let (lazy, full) = match (lazy.payload, full.payload) {
            (Ok(lazy), Ok(full)) => (lazy, full),
            (Err(lazy), Err(full)) => {
                assert_eq!(lazy, full);
                continue;
            }
            (lazy, full) => panic!("one read refuses the body: {lazy:?} against {full:?}"),
        };
        assert_eq!(lazy.raw, full.raw);
        assert_eq!(lazy.json.as_ref().err(), full.json.as_ref().err());
        for service in services {
            let outcome = evaluate(service, &full);
            assert_eq!(evaluate(service, &lazy), outcome);
            let _ = explain::trace(service, &full);
            // The other readings see the same body however it was read.
            assert_eq!(
                explain::fragility(service, &lazy, None, &outcome),
                explain::fragility(service, &full, None, &outcome)
            );
        }
    }
});
