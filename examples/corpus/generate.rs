//! The benchmark corpus: webhook bodies of about 1 KB, as JSON Lines or pretty-printed back to back.
//! A deterministic mix (one fixed seed) of Tigera-shaped alerts (flat, with `labels`) and
//! Alertmanager-shaped groups (nested `alerts[]`, `commonLabels`, a long `groupKey`): about half
//! firing, 40% resolved, the rest matching nothing.

use serde_json::{Value, json};
use std::io::{self, Write};

/// splitmix64: a small, fast generator whose sequence never changes, so neither does the corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const NAMESPACES: &[&str] = &["production", "staging", "payments"];

fn tigera(rng: &mut Rng, i: u64, status: &str) -> Value {
    json!({
        "status": status,
        "alert_name": rng.pick(&["Suspicious Lateral Movement", "DNS Exfiltration",
            "Port Scan Detected", "Policy Violation", "Threat Feed Match"]),
        "alert_id": format!("tigera-{:05}", i % 5000),
        "severity": rng.pick(&["high", "medium", "low"]),
        "description": format!(
            "Unmatched flow detected from pod 'frontend-{}' to 'db-internal-{}' in namespace {}",
            rng.below(100), rng.below(100), rng.pick(NAMESPACES)
        ),
        "timestamp": format!("2026-04-17T{:02}:{:02}:{:02}Z", i / 3600 % 24, i / 60 % 60, i % 60),
        "labels": {
            "namespace": rng.pick(NAMESPACES),
            "cluster": rng.pick(&["aws-us-east-1", "gcp-europe-west1", "azure-eastus"]),
            "policy": format!("default.allow-{}", rng.below(50)),
            "source_ip": format!("10.{}.{}.{}", rng.below(256), rng.below(256), rng.below(256)),
            "dest_port": 1 + rng.below(65534),
        },
        "flow": {
            "packets": rng.below(1_000_000),
            "bytes": rng.below(1_000_000_000),
            "action": "deny",
            "protocol": rng.pick(&["tcp", "udp"]),
        },
        "record": "x".repeat(420 + rng.below(100) as usize),
    })
}

fn alertmanager(rng: &mut Rng, i: u64, status: &str) -> Value {
    let name = rng.pick(&["DiskFull", "HighLatency", "PodCrashLooping", "NodeNotReady"]);
    let severity = rng.pick(&["critical", "warning"]);
    let instance = format!("node-{}:9100", rng.below(300));
    let labels = json!({
        "alertname": name, "severity": severity, "instance": instance, "job": "node-exporter",
    });
    let group_key = format!(
        "{{}}/{{severity=\"{severity}\"}}:{{alertname=\"{name}\", instance=\"{instance}\", cluster=\"prod-{}\"}}",
        rng.below(10)
    );
    let alerts: Vec<Value> = (0..[1, 1, 2][rng.below(3) as usize])
        .map(|_| {
            json!({
                "status": status,
                "labels": labels,
                "annotations": {"summary": format!("{name} on {instance}")},
                "startsAt": "2026-04-17T08:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": format!("http://prometheus:9090/graph?g0.expr=up%3D%3D0&g0.tab={i}"),
                "fingerprint": format!("{:016x}", rng.next()),
            })
        })
        .collect();
    json!({
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "callgoose",
        "groupLabels": {"alertname": name},
        "commonLabels": labels,
        "commonAnnotations": {
            "summary": format!("{name} on {instance}"),
            "runbook": format!("https://runbooks.example.com/{name}"),
            "description": "Check the node, its disks and the services placed on it. ".repeat(3),
        },
        "externalURL": "http://alertmanager.monitoring.svc:9093",
        "alerts": alerts,
    })
}

/// Writes `count` bodies, one per line (or pretty-printed, each followed by a line break).
pub fn write(count: u64, pretty: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = Rng(20261123);
    for i in 0..count {
        let roll = rng.unit();
        let status = if roll < 0.5 {
            "firing"
        } else if roll < 0.9 {
            "resolved"
        } else {
            "pending"
        };
        let body = if rng.unit() < 0.5 {
            tigera(&mut rng, i, status)
        } else {
            alertmanager(&mut rng, i, status)
        };
        if pretty {
            serde_json::to_writer_pretty(&mut *out, &body)?;
        } else {
            serde_json::to_writer(&mut *out, &body)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}
