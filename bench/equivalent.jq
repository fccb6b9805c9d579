# The benchmark filters (bench/filters/) in jq, as fast as jq 1.6 runs them: the yardstick sqibs-filter is
# measured against. For each body, one line: a JSON array holding, for each service in the order
# sqibs-filter loads them (alertmanager, then tigera), the code and then what that code carries:
#   201, title, description, mapping key   (the trigger's conditions all hold)
#   200, mapping key                       (else the resolve part matches)
#   202                                    (else)
# bench/run.py compares this, body by body, with `sqibs-filter check --format json` before timing it,
# on a sample of the corpus and on bench/edge.jsonl (the readings the corpus never exercises).
#
# How it reads like sqibs-filter:
# - The text of a value (`text`): a string as itself, anything else as compact JSON text.
# - "contains", ignoring case: sqibs-filter lower-cases the text (Unicode) and looks for the lower-case
#   item. jq 1.6's ascii_downcase walks the string character by character in jq itself (the cost of the
#   old program), so it runs only when the item is not found as written and the text holds an
#   upper-case letter of the item (or, for the long keys, any upper-case letter); lowering changes
#   nothing else, so the verdict is the same. ASCII and Unicode lowering agree on these items: the only
#   characters that lower to ASCII letters are U+0130 (to "i" plus a combining dot, which none of the
#   items can cross) and U+212A (to "k", in no item).
# - Title and description: "From - value", else "Incident from From"; the description, else the whole
#   body (here jq's compact text of it, sqibs-filter's is the body as received: the same for compact
#   bodies).
# Where it would differ from sqibs-filter, none of which the corpus holds: a JSON null value reads as
# absent here (sqibs-filter reads the text "null"); numbers are shown as jq 1.6's doubles; a literal
# dotted key ("commonLabels.alertname" itself) is not looked up; a key below a non-object stops jq
# with an error (so the comparison fails loudly).
def text: if type == "string" then . else tojson end;
(.status | if . == null then "" else text end) as $s
| ($s | contains("firing") or ((contains("F") or contains("I") or contains("R") or contains("N")
    or contains("G")) and (ascii_downcase | contains("firing")))) as $firing
| ($s | contains("resolved") or ((contains("R") or contains("E") or contains("S") or contains("O")
    or contains("L") or contains("V") or contains("D")) and (ascii_downcase | contains("resolved")))) as $resolved
| [if $firing and (.groupKey | . != null and (text | contains("alertname")
      or (test("[A-Z]") and (ascii_downcase | contains("alertname"))))) then
     201,
     (.commonLabels.alertname | if . == null then "Incident from Alertmanager" else "Alertmanager - " + text end),
     ((.commonAnnotations.summary | if . == null then null else text end) // tojson),
     (.groupKey | text)
   elif $resolved then 200, (.groupKey | if . == null then null else text end)
   else 202 end,
   if $firing and (.alert_id | . != null and (text | contains("tigera-")
      or (test("[A-Z]") and (ascii_downcase | contains("tigera-"))))) then
     201,
     (.alert_name | if . == null then "Incident from Tigera" else "Tigera - " + text end),
     ((.description | if . == null then null else text end) // tojson),
     (.alert_id | text)
   elif $resolved then 200, (.alert_id | if . == null then null else text end)
   else 202 end]
