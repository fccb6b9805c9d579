//! The fast path (bodies read lazily, only what the filters reach) against the straightforward one
//! (every body parsed whole) on the benchmark's 10,000-body corpus: every outcome must be the same.

use sqibs_filter::document::KeySet;
use sqibs_filter::eval::evaluate;
use sqibs_filter::filter::{Service, load_services};
use sqibs_filter::input::Bodies;
use sqibs_filter::payload::Json;
use sqibs_filter::semantics::SemanticsLayer;
use std::path::Path;
use std::sync::Arc;

/// The benchmark's generator, compiled into this test: the same bodies, and no other program needed
/// (`jobs` uses it too).
#[path = "../../examples/corpus/generate.rs"]
pub mod generate;

fn corpus() -> Vec<u8> {
    let mut bytes = Vec::new();
    generate::write(10_000, false, &mut bytes).unwrap();
    bytes
}

#[test]
fn lazy_and_full_reads_give_the_same_outcomes_on_the_benchmark_corpus() {
    let mut services: Vec<Service> = Vec::new();
    for dir in ["bench/filters", "filters", "samples/troubleshooting"] {
        services.extend(load_services(Path::new(dir), SemanticsLayer::default()).unwrap());
    }
    let bytes = corpus();
    let keys = Arc::new(KeySet::of(&services, std::iter::empty()));
    let lazy = Bodies::new("c", bytes.as_slice()).reading_only(keys);
    let full = Bodies::new("c", bytes.as_slice());
    let mut compared = 0;
    let mut lazily_read = 0;
    for (lazy, full) in lazy.zip(full) {
        let (lazy, full) = (lazy.unwrap(), full.unwrap());
        let (lazy, full) = (lazy.payload.unwrap(), full.payload.unwrap());
        assert_eq!(lazy.raw, full.raw);
        if matches!(lazy.json, Ok(Json::Lazy(_))) {
            lazily_read += 1;
        }
        for service in &services {
            assert_eq!(
                evaluate(service, &lazy),
                evaluate(service, &full),
                "{}",
                lazy.raw
            );
            compared += 1;
        }
    }
    assert_eq!(lazily_read, 10_000);
    assert_eq!(compared, 10_000 * services.len());
}
