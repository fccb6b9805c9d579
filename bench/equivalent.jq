# The benchmark filters (bench/filters/) in jq, one output line per request and service in the order
# sqibs-filter loads them (alertmanager, tigera): a trigger whose conditions all hold (contains, case-
# insensitively), else a matching resolve part, else 202; title, description and mapping key with
# Callgoose's fallbacks.
def text: if type == "string" then . else tojson end;
def at(path): try getpath(path) catch null;
def value(path): at(path) | if . == null then null else text end;
def holds(path; item): (value(path) // null) as $v | $v != null and ($v | ascii_downcase | contains(item));
def service(name; from; key; title; description; extra):
  . as $body
  | if holds(["status"]; "firing") and holds(extra[0]; extra[1]) then
      {service: name, code: 201,
       title: (value(title) as $t | if $t == null then "Incident from " + from else from + " - " + $t end),
       description: (value(description) // ($body | tojson)),
       map_key: value(key)}
    elif holds(["status"]; "resolved") then {service: name, code: 200, map_key: value(key)}
    else {service: name, code: 202} end;
service("alertmanager"; "Alertmanager"; ["groupKey"]; ["commonLabels", "alertname"];
        ["commonAnnotations", "summary"]; [["groupKey"], "alertname"]),
service("tigera"; "Tigera"; ["alert_id"]; ["alert_name"]; ["description"]; [["alert_id"], "tigera-"])
