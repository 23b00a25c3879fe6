# deploy/swarm/stack.yml for a machine without IPVS, for the checks of exercises 13 and 18 (the
# same edit as e2e/tests/swarm.rs, which makes it with a YAML library): every service gets `deploy.endpoint_mode: dnsrr` (no
# virtual IP) and loses its `ports:` (no ingress routing mesh). A plain text edit in POSIX awk
# (no interval expressions, no gawk extensions: mawk, busybox awk, macOS's awk and gawk run it),
# so that a POSIX machine needs nothing more.
#     awk -v dst=DESTINATION -f stack-for-this-machine.awk SOURCE
# Writes DESTINATION and prints one line: the services and what was changed. Exit 1 (and no
# DESTINATION) when a service's deploy: is written inline (not supported).
BEGIN { if (dst == "") { print "stack-for-this-machine.awk: set -v dst=DESTINATION" | "cat 1>&2"; failed = 1; exit 1 } }
{ lines[++n] = $0 }
END {
  if (failed) exit 1
  section = ""; current = ""; m = 0; ns = 0; i = 1
  while (i <= n) {
    line = lines[i]
    if (line ~ /^[^ \t#]/) {                             # a top-level key
      section = line; sub(/:.*/, "", section); current = ""
    }
    if (section == "services") {
      if (line ~ /^  [A-Za-z0-9_.-]+:[ \t]*$/) {         # a service
        current = line; sub(/^  /, "", current); sub(/:[ \t]*$/, "", current)
        name[++ns] = current; at[current] = m + 1        # its line in the output
      }
      if (line ~ /^    ports:/) {                        # drop the ports block
        rest = substr(line, 11)
        i++
        if (rest ~ /^[ \t]*$/)
          while (i <= n && (lines[i] ~ /^     [ ]*[^ \t]/ || lines[i] ~ /^    - /)) i++
        continue
      }
      if (line ~ /^    deploy:[ \t]*[^ \t]/) {
        print "deploy: written inline (" line "): not supported" | "cat 1>&2"
        exit 1
      }
      if (line ~ /^    deploy:[ \t]*$/) {
        out[++m] = line
        out[++m] = "      endpoint_mode: dnsrr"
        with_deploy[current] = 1
        i++
        continue
      }
    }
    out[++m] = line
    i++
  }
  # a service without deploy: gets one, right after its name
  for (s = 1; s <= ns; s++) if (!(name[s] in with_deploy)) without[at[name[s]]] = 1
  for (k = 1; k <= m; k++) {
    print out[k] > dst
    if (k in without) { print "    deploy:" > dst; print "      endpoint_mode: dnsrr" > dst }
  }
  close(dst)
  list = ""
  for (s = 1; s <= ns; s++) list = list (s > 1 ? " " : "") name[s]
  print "services: " list "; endpoint_mode dnsrr added to " ns ", ports removed"
}
