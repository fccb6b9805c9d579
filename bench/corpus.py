#!/usr/bin/env python3
"""Writes the benchmark corpus: webhook bodies of about 1 KB as JSON Lines (or pretty, back to back).

A deterministic mix of Tigera-shaped alerts (flat, with `labels`) and Alertmanager-shaped groups (nested
`alerts[]`, `commonLabels`, a long `groupKey`): about half firing, 40% resolved, the rest matching
nothing. Usage: corpus.py COUNT OUT [--pretty]
"""
import json
import random
import sys


def tigera(rng, i, status):
    alert = f"tigera-{i % 5000:05d}"
    return {
        "status": status,
        "alert_name": rng.choice(["Suspicious Lateral Movement", "DNS Exfiltration", "Port Scan Detected",
                                  "Policy Violation", "Threat Feed Match"]),
        "alert_id": alert,
        "severity": rng.choice(["high", "medium", "low"]),
        "description": "Unmatched flow detected from pod 'frontend-%d' to 'db-internal-%d' in namespace %s"
        % (rng.randrange(100), rng.randrange(100), rng.choice(["production", "staging", "payments"])),
        "timestamp": "2026-04-17T%02d:%02d:%02dZ" % (i // 3600 % 24, i // 60 % 60, i % 60),
        "labels": {
            "namespace": rng.choice(["production", "staging", "payments"]),
            "cluster": rng.choice(["aws-us-east-1", "gcp-europe-west1", "azure-eastus"]),
            "policy": "default.allow-%d" % rng.randrange(50),
            "source_ip": "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256), rng.randrange(256)),
            "dest_port": rng.randrange(1, 65535),
        },
        "flow": {"packets": rng.randrange(10**6), "bytes": rng.randrange(10**9), "action": "deny",
                 "protocol": rng.choice(["tcp", "udp"])},
        "record": "x" * rng.randrange(420, 520),
    }


def alertmanager(rng, i, status):
    name = rng.choice(["DiskFull", "HighLatency", "PodCrashLooping", "NodeNotReady"])
    labels = {"alertname": name, "severity": rng.choice(["critical", "warning"]),
              "instance": "node-%d:9100" % rng.randrange(300), "job": "node-exporter"}
    return {
        "version": "4",
        "groupKey": "{}/{severity=\"%s\"}:{alertname=\"%s\", instance=\"%s\", cluster=\"prod-%d\"}"
        % (labels["severity"], name, labels["instance"], rng.randrange(10)),
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "callgoose",
        "groupLabels": {"alertname": name},
        "commonLabels": labels,
        "commonAnnotations": {"summary": "%s on %s" % (name, labels["instance"]),
                              "runbook": "https://runbooks.example.com/%s" % name,
                              "description": "Check the node, its disks and the services placed on it. " * 3},
        "externalURL": "http://alertmanager.monitoring.svc:9093",
        "alerts": [
            {
                "status": status,
                "labels": labels,
                "annotations": {"summary": "%s on %s" % (name, labels["instance"])},
                "startsAt": "2026-04-17T08:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph?g0.expr=up%%3D%%3D0&g0.tab=%d" % i,
                "fingerprint": "%016x" % rng.getrandbits(64),
            }
            for _ in range(rng.choice([1, 1, 2]))
        ],
    }


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    pretty = "--pretty" in sys.argv[3:]
    rng = random.Random(20261123)
    with open(out, "w") as f:
        for i in range(count):
            roll = rng.random()
            status = "firing" if roll < 0.5 else "resolved" if roll < 0.9 else "pending"
            body = (tigera if rng.random() < 0.5 else alertmanager)(rng, i, status)
            if pretty:
                f.write(json.dumps(body, indent=2) + "\n")
            else:
                f.write(json.dumps(body, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
