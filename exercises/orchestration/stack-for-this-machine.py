#!/usr/bin/env python3
"""deploy/swarm/stack.yml for a machine without IPVS, for the checks of exercises 13 and 18
(e2e/tests/swarm.rs makes the same with a YAML library): every service gets
`deploy.endpoint_mode: dnsrr` (no virtual IP) and loses its `ports:` (no ingress routing mesh).
A plain text edit, so that nothing but Python's standard library is needed.
    python3 stack-for-this-machine.py SOURCE DESTINATION
"""
# Every service: `deploy.endpoint_mode: dnsrr` (no virtual IP); no `ports:` (no ingress).
import re, sys
src, dst = sys.argv[1], sys.argv[2]
lines = open(src).read().split("\n")
out, services, with_deploy = [], {}, set()
section, current, i = None, None, 0
while i < len(lines):
    line = lines[i]
    if re.match(r"^[^\s#]", line):                       # a top-level key
        section, current = line.split(":")[0], None
    if section == "services":
        m = re.match(r"^  ([A-Za-z0-9_.-]+):\s*$", line)  # a service
        if m:
            current = m.group(1)
            services[current] = len(out)
        m = re.match(r"^    ports:(.*)$", line)
        if m:                                            # drop the ports block
            i += 1
            if not m.group(1).strip():
                while i < len(lines) and (re.match(r"^ {5,}\S", lines[i]) or re.match(r"^    - ", lines[i])):
                    i += 1
            continue
        if re.match(r"^    deploy:\s*\S", line):
            sys.exit("deploy: written inline (%s): not supported" % line.strip())
        if re.match(r"^    deploy:\s*$", line):
            out.append(line)
            out.append("      endpoint_mode: dnsrr")
            with_deploy.add(current)
            i += 1
            continue
    out.append(line)
    i += 1
# a service without deploy: gets one
for name, at in sorted(services.items(), key=lambda s: -s[1]):
    if name not in with_deploy:
        out[at + 1:at + 1] = ["    deploy:", "      endpoint_mode: dnsrr"]
open(dst, "w").write("\n".join(out))
print("services: %s; endpoint_mode dnsrr added to %d, ports removed" % (" ".join(services), len(services)))
