# The benchmark filter (bench/filters/bench.toml) written in jq: status contains firing or resolved
# (case-insensitively), the mapping key, the title and the description with Callgoose's fallbacks.
def text: if type == "string" then . else tojson end;
. as $body
| (if has("status") then (.status | text | ascii_downcase) else null end) as $status
| if $status != null and ($status | contains("firing")) then
    {code: 201,
     title: (if has("alert_name") then "Bench - " + (.alert_name | text) else "Incident from Bench" end),
     description: (if has("description") then (.description | text) else ($body | tojson) end),
     map_key: (if has("alert_id") then (.alert_id | text) else null end)}
  elif $status != null and ($status | contains("resolved")) then
    {code: 200, map_key: (if has("alert_id") then (.alert_id | text) else null end)}
  else {code: 202} end
