use crate::support::Test;

const TWO_CONDITIONS: &str = r#"
    service = "k8s"
    from = "Alertmanager"

    [[filter]]
    name = "production"
    urgency = "P2"
    [filter.trigger]
    conditions = [
      { key = "status", contains = ["firing"] },
      { key = "alerts[0].labels.namespace", contains = ["prod"] },
    ]
    title_from = "commonLabels.alertname"
    map_with = "groupKey"
"#;

const STAGING_FIRING: &str = r#"{"status": "firing", "groupKey": "g1", "commonLabels": {"alertname": "DiskFull"}, "alerts": [{"labels": {"namespace": "staging"}}]}"#;

fn k8s() -> Test {
    Test::in_temp().file("filters/k8s.toml", TWO_CONDITIONS)
}

fn title_of(out: &str) -> &str {
    out.lines()
        .find_map(|l| l.trim().strip_prefix("title"))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no title in {out}"))
}

#[test]
fn both_conditions_must_hold_unless_conditions_any() {
    k8s().args(&["check", "-"]).stdin(STAGING_FIRING).expect(
        1,
        r#"
        <stdin>
          k8s: 202 discarded: no filter matched
            near miss #1 "production": `alerts[0].labels.namespace` is "staging", which lacks "prod"
            fragile: with conditions = "any" this would be 201 via filter #1 "production"; the result depends on a reading Callgoose does not document
        "#,
        "",
    );
    let out = k8s()
        .args(&["check", "-", "--conditions", "any"])
        .stdin(STAGING_FIRING)
        .expect(
            0,
            r#"
            <stdin>
              k8s: 201 creates an incident
                filter       #1 "production"
                urgency      high
                priority     P2
                title        Alertmanager - DiskFull
                description  {"status": "firing", "groupKey": "g1", "commonLabels": {"alertname": "DiskFull"}, "alerts": [{"label … (31 more characters; --full shows all)
                map key      g1
                resolve      no resolve part matched
                fragile: with conditions = "all" this would be 202 discarded; the result depends on a reading Callgoose does not document
            "#,
            "",
        );
    assert_eq!(title_of(&out.stdout), "Alertmanager - DiskFull");
}

#[test]
fn the_semantics_table_is_overridden_by_the_command_line() {
    let t = Test::in_temp().file(
        "filters/k8s.toml",
        &format!("{TWO_CONDITIONS}\n    [semantics]\n    conditions = \"any\"\n    case_sensitive = true\n"),
    );
    let body = STAGING_FIRING.replace("firing", "FIRING");
    // any: one condition is enough, but case-sensitive: FIRING is not firing, prod not in staging.
    t.args(&["check", "-"]).stdin(&body).expect(
        1,
        r#"
        <stdin>
          k8s: 202 discarded: no filter matched
            near miss #1 "production": `status` is "FIRING", which lacks "firing"
              hint: "firing" would match but for case: matching is case-sensitive here; write the item as the payload does
            fragile: with case-insensitive matching this would be 201 via filter #1 "production"; the result depends on a reading Callgoose does not document
        "#,
        "",
    );
    let t = Test::in_temp().file(
        "filters/k8s.toml",
        &format!("{TWO_CONDITIONS}\n    [semantics]\n    conditions = \"any\"\n    case_sensitive = true\n"),
    );
    let out = t
        .args(&["check", "-", "--case-insensitive"])
        .stdin(&body)
        .output();
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn case_sensitive_flag_turns_a_match_into_a_discard() {
    let body = r#"{"status": "FIRING", "alert_id": "1"}"#;
    Test::new()
        .args(&["check", "--service", "tigera", "--format", "json"])
        .stdin(body)
        .expect(
            0,
            r#"{"input":"<stdin>","index":1,"service":"tigera","code":201,"trigger":{"filter":"security alert","position":1,"urgency":"high","priority":null,"title":"Incident from Tigera","description":"{\"status\": \"FIRING\", \"alert_id\": \"1\"}","map_key":"1"},"resolve":null,"warnings":[{"kind":"title_fallback","message":"title key `alert_name` not found: the title falls back to \"Incident from Tigera\""},{"kind":"description_fallback","message":"description key `description` not found: the whole payload becomes the description"}]}
            "#,
            "",
        );
    Test::new()
        .args(&["check", "--service", "tigera", "--case-sensitive", "--format", "json"])
        .stdin(body)
        .expect(
            1,
            r#"{"input":"<stdin>","index":1,"service":"tigera","code":202,"trigger":null,"resolve":null,"warnings":[]}
            "#,
            "",
        );
}

#[test]
fn from_sets_or_clears_the_title_prefix() {
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "samples/tigera/firing.json", "--service", "tigera"];
        args.extend_from_slice(extra);
        let out = Test::new().args(&args).output();
        assert_eq!(out.code, 0, "{}", out.stderr);
        title_of(&out.stdout).to_owned()
    };
    assert_eq!(run(&[]), "Tigera - Suspicious Lateral Movement");
    assert_eq!(
        run(&["--from", "Calico"]),
        "Calico - Suspicious Lateral Movement"
    );
    assert_eq!(run(&["--no-from"]), "Suspicious Lateral Movement");
}

#[test]
fn fallback_title_without_any_from_is_unknown_source() {
    let out = Test::new()
        .args(&["check", "--service", "tigera", "--no-from"])
        .stdin(r#"{"status": "firing"}"#)
        .output();
    assert_eq!(title_of(&out.stdout), "Incident from unknown source");
}

#[test]
fn full_shows_the_whole_description() {
    Test::new()
        .args(&["check", "samples/tigera/firing.json", "--service", "sedai", "--full"])
        .expect(
            0,
            r#"
            samples/tigera/firing.json
              sedai: 201 creates an incident
                filter       #2 "firing"
                urgency      high
                title        Incident from Sedai
                description  {
                               "status": "firing",
                               "alert_name": "Suspicious Lateral Movement",
                               "alert_id": "tigera-sec-001",
                               "severity": "high",
                               "description": "Unmatched flow detected from pod 'frontend' to 'db-internal'",
                               "timestamp": "2026-04-17T12:00:00Z",
                               "labels": {
                                 "namespace": "production",
                                 "cluster": "aws-us-east-1"
                               }
                             }
                map key      none: the incident can never be resolved through the API
                resolve      no resolve part matched
                warning: title key `title` not found: the title falls back to "Incident from Sedai"
                warning: description key `message` not found: the whole payload becomes the description
                warning: mapping key `eventId` not found: this incident can never be resolved through the API, and every repeat creates a new one
                fragile: with case-sensitive matching this would be 202 discarded; the result depends on a reading Callgoose does not document
            "#,
            "",
        );
}

#[test]
fn an_unknown_service_suggests_the_closest() {
    Test::new()
        .args(&[
            "check",
            "samples/tigera/firing.json",
            "--service",
            "tigerra",
        ])
        .expect(
            2,
            "",
            "error: no service \"tigerra\" in filters: did you mean \"tigera\"?\n",
        );
}

#[test]
fn filters_path_from_the_environment() {
    let t = k8s();
    let other = t.dir().join("filters").display().to_string();
    Test::new()
        .env("SQIBS_FILTERS", &other)
        .args(&["check", "-", "--conditions", "any", "--format", "json"])
        .stdin(r#"{"status": "firing", "groupKey": "g"}"#)
        .expect(
            0,
            r#"{"input":"<stdin>","index":1,"service":"k8s","code":201,"trigger":{"filter":"production","position":1,"urgency":"high","priority":"P2","title":"Incident from Alertmanager","description":"{\"status\": \"firing\", \"groupKey\": \"g\"}","map_key":"g"},"resolve":null,"warnings":[{"kind":"title_fallback","message":"title key `commonLabels.alertname` not found: the title falls back to \"Incident from Alertmanager\""}]}
            "#,
            "",
        );
}
