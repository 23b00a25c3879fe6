#!/usr/bin/env bash
# Check of exercises/orchestration/14-kubernetes.md: the course stack on Kubernetes
# (deploy/kubernetes, kustomize).
#
# Always (no cluster needed): `kubectl kustomize` renders the base and the offline overlay; the
# rendered objects are what the page says (3 Deployments + the SWAPI stand-in, a StatefulSet
# with a volume claim template, the headless Service, NodePorts 30000/30080/30081, a Secret and
# a ConfigMap, the network policies, everything in the namespace goals); the namespace enforces
# Pod Security `restricted` and every pod meets it without a service-account token, the
# debugging pod of §9 too; the network policies allow, one by one, the connections the page's
# table says; the exercise's own copy (namespace ex-14-goals, no NodePorts) renders too; each of
# our containers' environment, as rendered, passes its binary's `check-config` when the
# binaries are built (target/debug; else that assertion is skipped, saying why).
#
# With a cluster (`kubectl cluster-info` answers: kind, minikube, Docker Desktop, ...): the
# images are loaded into it, the overlay is applied in a namespace of the check's own,
# ex-14-goals (a kustomization in a temporary folder: namespace ex-14-goals, label
# course.exercise=1, Services without NodePorts so they do not collide with a stack of yours),
# then get / describe / logs / scale / rollout restart / Pod Security refusing a plain pod /
# Service DNS from a busybox pod that meets `restricted` / the network policies (a pod of
# another namespace, ex-14-outside, gets no connection to MongoDB where the cluster enforces
# policies: kindnet of kind >= 0.24, Calico, Cilium; elsewhere the check says what it saw) /
# a PVC that outlives its pod; the namespaces are deleted at the end.
#
# Settings: EX_K8S=auto (default: a cluster if one answers), offline (never touch a cluster),
# cluster (fail when none answers); EX14_WAIT (300: seconds for a rollout, image pulls
# included); EX14_BIN_DIR (target/debug); EX14_DNS_IMAGE (busybox:1.36).
. "$(dirname "$0")/../lib.sh"
ex_begin 14 "Kubernetes: the stack with kubectl (on your cluster, or rendered offline) |ko| 쿠버네티스: kubectl로 스택 올리기(내 클러스터에서, 또는 오프라인 렌더링)"
cd "$EX_ROOT" || fatal "cannot cd to $EX_ROOT |ko| $EX_ROOT 폴더로 이동할 수 없습니다"
MODE=${EX_K8S:-auto}
NS=$(ex_name goals)                       # ex-14-goals
WAIT=${EX14_WAIT:-300}
BIN_DIR=${EX14_BIN_DIR:-$EX_ROOT/target/debug}
DNS_IMAGE=${EX14_DNS_IMAGE:-busybox:1.36}
OVERLAY=deploy/kubernetes/overlays/offline
KDIR=$EX_TMP/kustomize                    # the check's kustomization (namespace ex-14-goals)
IMAGES=(goals-backend:latest goals-favorites:latest goals-frontend:latest goals-swapi:latest)
command -v kubectl >/dev/null 2>&1 \
  || fatal "kubectl is missing: install it (https://kubernetes.io/docs/tasks/tools/, or Debian's kubectl package) |ko| kubectl이 없습니다. 설치하세요(https://kubernetes.io/docs/tasks/tools/ 또는 Debian의 kubectl 패키지)"

# What kubectl says about each object of a rendered file, one line each, offline: `kubectl
# label --local` reads the file, adds a label and prints the objects back (nothing is sent).
OBJ='{.kind}/{.metadata.name} ns={.metadata.namespace} type={.spec.type} nodePort={.spec.ports[*].nodePort} clusterIP={.spec.clusterIP} serviceName={.spec.serviceName} replicas={.spec.replicas} claims={.spec.volumeClaimTemplates[*].metadata.name}:{.spec.volumeClaimTemplates[*].spec.resources.requests.storage}{"\n"}'
objects() { run kubectl label --local -f "$1" "$EX_LABEL" -o "jsonpath=$OBJ"; }
# The Pod Security side of each object: the namespace's labels, each pod's token and security
# settings (the first container's: each of our pods has one).
PSS='{.kind}/{.metadata.name} enforce={.metadata.labels.pod-security\.kubernetes\.io/enforce} audit={.metadata.labels.pod-security\.kubernetes\.io/audit} warn={.metadata.labels.pod-security\.kubernetes\.io/warn} token={.spec.template.spec.automountServiceAccountToken} runAsNonRoot={.spec.template.spec.securityContext.runAsNonRoot} seccomp={.spec.template.spec.securityContext.seccompProfile.type} escalation={.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation} drop={.spec.template.spec.containers[0].securityContext.capabilities.drop[*]}{"\n"}'
# restricted_overrides NAME: what `kubectl run NAME --override-type=strategic --overrides=...`
# adds so that its pod meets Pod Security `restricted` (the page's RESTRICTED, for a pod NAME).
restricted_overrides() {
  printf '{"apiVersion":"v1","spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":65534,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"%s","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}}' "$1"
}
# policies FILE: each NetworkPolicy of a rendered file in one line: the pods it selects, who may
# connect to them (in) and where they may connect to (out), as "peers -> port/protocol" rules
# joined by " & "; "-" when the policy leaves that direction alone, "nothing" when it allows
# none. "any address" is an ipBlock of 0.0.0.0/0 (and ::/0): the browser through a node port;
# "public addresses" the same without the private ranges.
# (jq in the toolbox; the program on one line, as the transcript shows it)
POLICIES_JQ=$(tr -s '\n ' ' ' <<'JQ'
def pods: ((.matchLabels // {}) as $l | [$l | keys[] as $k | $l[$k]] | join(",")) as $p
  | if $p == "" then "every pod" else $p end;
def peer: if has("ipBlock") then (if (.ipBlock.except // []) | length > 0 then "public addresses" else "any address" end)
  elif has("namespaceSelector") then "\(.podSelector | pods) in \(.namespaceSelector.matchLabels["kubernetes.io/metadata.name"] // "any")"
  else .podSelector | pods end;
def uniq: reduce .[] as $x ([]; if any(.[]; . == $x) then . else . + [$x] end);
def nonempty($s): if . == "" then $s else . end;
def rules($kind; $field):
  if (.policyTypes // ["Ingress"]) | any(.[]; . == $kind) then
    [.[$kind | ascii_downcase][]? | "\([.[$field][]? | peer] | uniq | join(",") | nonempty("anything")) -> \([.ports[]? | "\(.port // "*")/\(.protocol // "TCP")"] | join(" ") | nonempty("every port"))"]
    | join(" & ") | nonempty("nothing")
  else "-" end;
select(.kind == "NetworkPolicy") | .spec as $s
| "\(.metadata.name): pods \($s.podSelector | pods); in: \($s | rules("Ingress"; "from")); out: \($s | rules("Egress"; "to"))"
JQ
)
policies() {
  kubectl label --local -f "$1" "$EX_LABEL" -o json >"$EX_TMP/policies.json" 2>&1
  run docker run --rm -i --label "$EX_LABEL" "$TOOLBOX_IMAGE" jq -r "$POLICIES_JQ" <"$EX_TMP/policies.json"
}
# policy_enforcer: the cluster's network plugin when it is one known to enforce NetworkPolicies
# (kindnet of kind >= 0.24 watches them; Calico, Cilium), else nothing.
policy_enforcer() {
  if kubectl get clusterrole kindnet -o 'jsonpath={.rules[*].resources}' 2>/dev/null | grep -qw networkpolicies; then
    echo "kindnet (kind >= 0.24)"; return
  fi
  local ds n
  ds=" $(kubectl get daemonsets -A -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null) "
  for n in calico-node cilium; do
    [[ $ds == *" $n "* ]] && { echo "$n"; return; }
  done
  return 0
}
# count REGEX: how many lines of the last output match
count() { grep -cE -- "$1" <<<"$OUT"; }
no_line_ends_with() { ! grep -q -- "$2\$" <<<"$1"; }

# ==========================================================================================
step "kubectl, and is there a cluster? |ko| kubectl, 그리고 클러스터가 있는지"
run kubectl version --client
check_rc 0 "kubectl is installed (the client: kustomize is built in) |ko| kubectl이 설치되어 있습니다(클라이언트이며 kustomize가 내장되어 있습니다)"
CLUSTER=0
if [ "$MODE" = offline ]; then
  say "EX_K8S=offline: no cluster is touched |ko| EX_K8S=offline: 클러스터를 전혀 건드리지 않습니다"
else
  run_quiet kubectl cluster-info --request-timeout=5s
  # its answer, without client-side retry noise (E1130 ... lines) and the dump hint
  grep -v -e '^E[0-9]' -e 'To further debug' <<<"$OUT" | sed -e '/^ *$/d' -e 's/^/    /'
  if [ "$RC" = 0 ]; then
    CLUSTER=1
    run kubectl config current-context
    CONTEXT=$OUT
    say "a cluster answers (context $CONTEXT): the check applies the stack there, in the namespace $NS |ko| 클러스터가 응답합니다(컨텍스트 $CONTEXT). 점검은 그 클러스터의 네임스페이스 $NS에 스택을 적용합니다"
  elif [ "$MODE" = cluster ]; then
    fatal "EX_K8S=cluster, but no cluster answers (kubectl cluster-info): start kind, minikube or Docker Desktop's Kubernetes |ko| EX_K8S=cluster인데 응답하는 클러스터가 없습니다(kubectl cluster-info). kind, minikube 또는 Docker Desktop의 쿠버네티스를 시작하세요"
  else
    echo
    say "NO CLUSTER: kubectl cluster-info gets no answer, so nothing can be applied here. |ko| 클러스터 없음: kubectl cluster-info에 응답이 없으므로 여기서는 아무것도 적용할 수 없습니다."
    say "The check does the offline part only: render the manifests and check what they hold. |ko| 이 점검은 오프라인 부분만 합니다. 매니페스트를 렌더링하고 그 내용을 확인합니다."
    say "(Start a cluster - kind, minikube or Docker Desktop's Kubernetes - and run it again for the rest.) |ko| (나머지도 점검하려면 클러스터(kind, minikube 또는 Docker Desktop의 쿠버네티스)를 시작하고 다시 실행하세요.)"
  fi
fi

# ------------------------------------------------------------------ offline: render
step "kubectl kustomize: the base and the offline overlay, rendered (no cluster needed) |ko| kubectl kustomize: base와 오프라인 overlay 렌더링(클러스터 필요 없음)"
run_quiet kubectl kustomize deploy/kubernetes/base
check_rc 0 "the base renders |ko| base가 렌더링됩니다"
printf '%s\n' "$OUT" >"$EX_TMP/base.yaml"
run_quiet kubectl kustomize "$OVERLAY"
check_rc 0 "the offline overlay renders |ko| 오프라인 overlay가 렌더링됩니다"
printf '%s\n' "$OUT" >"$EX_TMP/overlay.yaml"
run grep -c '^kind:' "$EX_TMP/base.yaml" "$EX_TMP/overlay.yaml"

step "the base: what the page says it holds |ko| base: 페이지에 적힌 그대로의 내용"
objects "$EX_TMP/base.yaml"
check_rc 0 "kubectl reads every object (offline) |ko| kubectl이 모든 객체를 읽습니다(오프라인)"
check_eq "$(count '^Deployment/(backend|favorites|frontend) ')" 3 "3 Deployments: backend, favorites, frontend |ko| 디플로이먼트 3개: backend, favorites, frontend"
check_out_match '^Deployment/backend .* replicas=2 ' "backend: 2 replicas |ko| backend: 레플리카 2개"
check_out_match '^StatefulSet/mongodb .*serviceName=mongodb-headless replicas=1 claims=data:1Gi$' \
  "MongoDB: a StatefulSet, 1 replica, a volume claim template data (1Gi), its Service mongodb-headless |ko| MongoDB: 스테이트풀셋, 레플리카 1개, 볼륨 클레임 템플릿 data(1Gi), 서비스 mongodb-headless"
check_out_match '^Service/mongodb-headless .*clusterIP=None ' "mongodb-headless is headless (clusterIP None) |ko| mongodb-headless는 헤드리스 서비스입니다(clusterIP None)"
check_out_match '^Service/mongodb ns=goals type= ' "and the Service mongodb (MONGODB_HOST=mongodb, as under compose) |ko| 그리고 서비스 mongodb(compose에서처럼 MONGODB_HOST=mongodb)"
check_out_match '^Service/frontend .*type=NodePort nodePort=30000 ' "frontend: NodePort 30000 |ko| frontend의 NodePort는 30000"
check_out_match '^Service/backend .*type=NodePort nodePort=30080 ' "backend: NodePort 30080 |ko| backend의 NodePort는 30080"
check_out_match '^Service/favorites .*type=NodePort nodePort=30081 ' "favorites: NodePort 30081 |ko| favorites의 NodePort는 30081"
check_out_match '^Secret/mongodb-root-[a-z0-9]{10} ' "a Secret mongodb-root-<hash> (the generator adds a hash of its content) |ko| 시크릿 mongodb-root-<hash>(생성기가 내용의 해시를 덧붙입니다)"
check_out_match '^ConfigMap/goals-config-[a-z0-9]{10} ' "a ConfigMap goals-config-<hash> |ko| 컨피그맵 goals-config-<hash>"
check_out_match '^Namespace/goals ' "the Namespace goals |ko| 네임스페이스 goals"
check_eq "$(count '^NetworkPolicy/(backend|default-deny|dns|favorites|favorites-swapi-dev|frontend|mongodb) ')" 7 \
  "7 NetworkPolicies: default-deny, dns, one per pod, favorites-swapi-dev |ko| 네트워크 정책 7개: default-deny, dns, 파드마다 하나씩, favorites-swapi-dev"
check_eq "$(grep -v '^Namespace/' <<<"$OUT" | grep -vc ' ns=goals ')" 0 "every other object is in the namespace goals |ko| 나머지 객체는 모두 네임스페이스 goals에 있습니다"

step "the offline overlay: the same plus the SWAPI stand-in, favorites pointed at it |ko| 오프라인 overlay: 같은 객체에 SWAPI 대체 서비스를 더하고 favorites가 그쪽을 향하게 함"
objects "$EX_TMP/overlay.yaml"
check_eq "$(count '^Deployment/(backend|favorites|frontend|swapi) ')" 4 "4 Deployments: the 3 and swapi |ko| 디플로이먼트 4개: 앞의 3개와 swapi"
check_eq "$(count '^NetworkPolicy/')" 8 "8 NetworkPolicies: favorites-swapi-dev replaced by swapi and favorites-swapi |ko| 네트워크 정책 8개: favorites-swapi-dev 대신 swapi와 favorites-swapi"
check_out_match '^Service/swapi ' "a Service swapi |ko| 서비스 swapi"
ELSEWHERE=$(grep -v '^Namespace/' <<<"$OUT" | grep -v ' ns=goals ' | cut -d' ' -f1 | tr '\n' ' ')
check_eq "${ELSEWHERE:-none}" none \
  "every object is in the namespace goals (favorites finds http://swapi only in its own namespace; objects without one land in kubectl's current namespace) |ko| 모든 객체가 네임스페이스 goals에 있습니다(favorites는 자기 네임스페이스에서만 http://swapi를 찾습니다. 네임스페이스가 없는 객체는 kubectl의 현재 네임스페이스에 들어갑니다)"
run kubectl label --local -f "$EX_TMP/overlay.yaml" "$EX_LABEL" -o 'jsonpath={.data.SWAPI_BASE_URL}'
check_eq "$OUT" "http://swapi:8000/api" "the ConfigMap's SWAPI_BASE_URL is the stand-in's Service |ko| 컨피그맵의 SWAPI_BASE_URL 값이 SWAPI 대체 서비스의 서비스(swapi)를 가리킵니다"

step "Pod Security: the namespace enforces restricted, every pod meets it, no pod gets a token |ko| 파드 보안: 네임스페이스는 restricted를 강제하고, 모든 파드가 이를 지키며, 어느 파드도 토큰을 받지 않음"
run kubectl label --local -f "$EX_TMP/base.yaml" "$EX_LABEL" -o "jsonpath=$PSS"
check_out_match '^Namespace/goals enforce=restricted audit=restricted warn=restricted ' \
  "the Namespace's labels: enforce (refuse), audit (log) and warn (tell kubectl) at restricted |ko| 네임스페이스의 레이블: restricted 수준으로 enforce(거부), audit(기록), warn(kubectl에 경고)"
WORKLOADS=$(grep -E '^(Deployment|StatefulSet)/' <<<"$OUT")
check_eq "$(grep -c . <<<"$WORKLOADS")" 4 "4 workloads: backend, favorites, frontend, mongodb |ko| 워크로드 4개: backend, favorites, frontend, mongodb"
check_eq "$(grep -vc ' token=false runAsNonRoot=true seccomp=RuntimeDefault escalation=false drop=ALL$' <<<"$WORKLOADS")" 0 \
  "each: no service-account token, not root, seccomp RuntimeDefault, no privilege escalation, capabilities drop ALL |ko| 각각: 서비스 어카운트 토큰 없음, root가 아닌 사용자, seccomp RuntimeDefault, 권한 상승 금지, capabilities drop ALL"
say "the debugging pod of section 9: kubectl run's pod with the page's RESTRICTED overrides; kubectl patch |ko| 9절의 디버깅용 파드: 페이지의 RESTRICTED 오버라이드를 더해 kubectl run이 만드는 파드입니다."
say "--local applies the same strategic merge offline, so what the cluster would get is seen here |ko| kubectl patch --local이 같은 strategic merge를 오프라인으로 하므로, 클러스터가 받을 파드를 여기서 봅니다"
{
  echo "apiVersion: v1"
  echo "kind: Pod"
  echo "metadata:"
  echo "  name: dns"
  echo "spec:"
  echo "  containers:"
  echo "    - name: dns"
  echo "      image: $DNS_IMAGE"
  echo "  restartPolicy: Never"
} >"$EX_TMP/dns-pod.yaml"
run kubectl patch --local -f "$EX_TMP/dns-pod.yaml" --type=strategic -p "$(restricted_overrides dns)" \
  -o 'jsonpath=runAsNonRoot={.spec.securityContext.runAsNonRoot} runAsUser={.spec.securityContext.runAsUser} seccomp={.spec.securityContext.seccompProfile.type} image={.spec.containers[0].image} escalation={.spec.containers[0].securityContext.allowPrivilegeEscalation} drop={.spec.containers[0].securityContext.capabilities.drop[*]}'
check_eq "$OUT" "runAsNonRoot=true runAsUser=65534 seccomp=RuntimeDefault image=$DNS_IMAGE escalation=false drop=ALL" \
  "the debugging pod meets restricted, and keeps its image (the containers are merged by name) |ko| 디버깅용 파드가 restricted를 지키고 이미지도 그대로입니다(컨테이너는 이름으로 맞춰 병합됩니다)"
PAGE_RESTRICTED=$(sed -n "s/^RESTRICTED='\(.*\)'\$/\1/p" exercises/orchestration/14-kubernetes.md)
check_eq "$PAGE_RESTRICTED" "$(restricted_overrides dns)" "the page's RESTRICTED is exactly these overrides |ko| 페이지의 RESTRICTED가 바로 이 오버라이드입니다"

step "the network policies: which connection each one allows (rendered, no cluster needed) |ko| 네트워크 정책: 정책마다 허용하는 연결(렌더링 결과, 클러스터 필요 없음)"
say "the base (SWAPI on the internet): |ko| base(인터넷의 SWAPI를 씀):"
policies "$EX_TMP/base.yaml"
check_rc 0 "every policy read |ko| 모든 정책을 읽었습니다"
check_out_match '^default-deny: pods every pod; in: nothing; out: nothing$' "default-deny: every pod, nothing in, nothing out |ko| default-deny: 모든 파드, 들어오는 연결 없음, 나가는 연결 없음"
check_out_match '^dns: pods every pod; in: -; out: kube-dns in kube-system -> 53/UDP 53/TCP$' "dns: every pod may ask kube-dns, port 53 |ko| dns: 모든 파드가 53번 포트로 kube-dns에 요청할 수 있습니다"
check_out_match '^mongodb: pods mongodb; in: backend,favorites -> 27017/TCP; out: -$' "mongodb: only backend and favorites, on 27017 |ko| mongodb: backend와 favorites만, 27017번 포트로"
check_out_match '^backend: pods backend; in: frontend -> 8080/TCP & any address -> 8080/TCP; out: mongodb -> 27017/TCP$' \
  "backend: the frontend server and the browser (node port) on 8080; out to MongoDB |ko| backend: 프런트엔드 서버와 브라우저(NodePort)에서 8080번 포트로 들어오고, MongoDB로 나감"
check_out_match '^favorites: pods favorites; in: frontend -> 3000/TCP & any address -> 3000/TCP; out: mongodb -> 27017/TCP$' \
  "favorites: the frontend server and the browser on 3000; out to MongoDB |ko| favorites: 프런트엔드 서버와 브라우저에서 3000번 포트로 들어오고, MongoDB로 나감"
check_out_match '^favorites-swapi-dev: pods favorites; in: -; out: public addresses -> 443/TCP$' \
  "favorites-swapi-dev: favorites to the internet, port 443, public addresses only |ko| favorites-swapi-dev: favorites에서 인터넷으로, 443번 포트, 공인 주소만"
check_out_match '^frontend: pods frontend; in: any address -> 3000/TCP; out: backend -> 8080/TCP & favorites -> 3000/TCP$' \
  "frontend: the browser on 3000; out to backend and favorites |ko| frontend: 브라우저에서 3000번 포트로 들어오고, backend와 favorites로 나감"
say "the offline overlay (the stand-in instead of the internet): |ko| 오프라인 overlay(인터넷 대신 대체 서비스):"
policies "$EX_TMP/overlay.yaml"
check_out_match '^swapi: pods swapi; in: favorites -> 8000/TCP; out: -$' "swapi: only favorites, on 8000 |ko| swapi: favorites만, 8000번 포트로"
check_out_match '^favorites-swapi: pods favorites; in: -; out: swapi -> 8000/TCP$' "favorites-swapi: favorites to the stand-in |ko| favorites-swapi: favorites에서 대체 서비스로"
check_out_lacks "favorites-swapi-dev" "no way to the internet at all |ko| 인터넷으로 나가는 길은 전혀 없습니다"
check_eq "$(grep -c . <<<"$OUT")" 8 "8 policies |ko| 정책 8개"

step "the exercise's own copy: namespace $NS, no NodePorts (they are cluster-wide) |ko| 이 실습의 사본: 네임스페이스 $NS, NodePort 없음(NodePort는 클러스터 전체에 걸칩니다)"
mkdir -p "$KDIR"
TARGET=$EX_ROOT/$OVERLAY COMMON=$KDIR REL=   # the overlay's path relative to KDIR
while [[ $TARGET != "$COMMON"/* ]]; do COMMON=${COMMON%/*}; REL+=../; done
REL+=${TARGET#"$COMMON"/}
{
  echo "# exercise 14: the offline overlay in a namespace of its own"
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "namespace: $NS"
  echo "resources:"
  echo "  - $REL"
  echo "labels:"
  echo "  - pairs:"
  echo "      course.exercise: \"1\""
  echo "patches:"
  echo "  - target:"
  echo "      kind: Service"
  echo "      name: ^(backend|favorites|frontend)\$"
  echo "    patch: |-"
  echo "      - op: replace"
  echo "        path: /spec/type"
  echo "        value: ClusterIP"
  echo "      - op: remove"
  echo "        path: /spec/ports/0/nodePort"
  if [ "$MONGO_IMAGE" != mongo:8 ]; then
    echo "images:"
    echo "  - name: mongo"
    echo "    newName: ${MONGO_IMAGE%:*}"
    [[ $MONGO_IMAGE == *:* ]] && echo "    newTag: ${MONGO_IMAGE##*:}"
  fi
} >"$KDIR/kustomization.yaml"
run cat "$KDIR/kustomization.yaml"
run_quiet kubectl kustomize "$KDIR"
check_rc 0 "it renders |ko| 렌더링됩니다"
printf '%s\n' "$OUT" >"$EX_TMP/ours.yaml"
objects "$EX_TMP/ours.yaml"
check_out_match "^Namespace/$NS " "the Namespace is renamed $NS |ko| 네임스페이스의 새 이름은 $NS입니다"
check_eq "$(grep -v '^Namespace/' <<<"$OUT" | grep -vc " ns=$NS ")" 0 "every object is in $NS |ko| 모든 객체가 $NS에 있습니다"
check_eq "$(count 'type=NodePort')" 0 "no NodePort Service |ko| NodePort 서비스 없음"
check_eq "$(count "^NetworkPolicy/.* ns=$NS ")" 8 "the 8 network policies, in $NS (they act inside their own namespace) |ko| 네트워크 정책 8개가 $NS에 있습니다(정책은 자기 네임스페이스 안에서 작동합니다)"
run kubectl label --local -f "$EX_TMP/ours.yaml" "$EX_LABEL" -o "jsonpath=$PSS"
check_out_match "^Namespace/$NS enforce=restricted " "$NS enforces Pod Security restricted too |ko| $NS도 파드 보안 restricted를 강제합니다"

step "each container's environment, as rendered, passes its binary's check-config |ko| 렌더링된 그대로의 컨테이너 환경이 저마다 자기 바이너리의 check-config를 통과함"
# The environment a container gets (envFrom ConfigMaps, env values, secretKeyRef), with the
# Secret volumes written as files and the paths into them rewritten; per container a file of
# KEY=VALUE lines. The frontend's site (/app/site in the image) gets a stand-in tree.
mkdir -p "$EX_TMP/env"
kubectl label --local -f "$EX_TMP/overlay.yaml" "$EX_LABEL" -o json >"$EX_TMP/overlay.json" 2>&1
# jq (in the toolbox) works them out and says what to write: "file PATH BASE64" and "line PATH
# TEXT" (tab-separated); the other lines it prints are what it did, one line per container.
ENV_JQ=$(tr -s '\n ' ' ' <<'JQ'
. as $docs
| def data($kind; $name): first($docs[] | select(.kind == $kind and .metadata.name == $name))
    | (.data // {} | if $kind == "Secret" then map_values(@base64d) else . end) + (.stringData // {});
  {"goals-backend": "backend", "goals-favorites": "favorites", "goals-frontend": "frontend", "goals-swapi": "swapi-standin"} as $bins
| $docs[] | select(.kind == "Deployment" or .kind == "StatefulSet") | . as $w | .spec.template.spec as $spec
| $spec.containers[] | . as $c | ($bins[.image | split(":")[0]] // empty) as $bin | "\($out)/\(.name)" as $here
| [.volumeMounts[]? | . as $m | first(($spec.volumes // [])[] | select(.name == $m.name)) | select(has("secret"))
    | {at: $m.mountPath, dir: "\($here)/files/\($m.name)", files: data("Secret"; .secret.secretName)}] as $mounts
| (([.envFrom[]? | (if has("configMapRef") then data("ConfigMap"; .configMapRef.name) else {} end)
    + (if has("secretRef") then data("Secret"; .secretRef.name) else {} end)] | add // {})
  + ([.env[]? | . as $e | (.valueFrom // {}) as $from
    | if $e | has("value") then $e.value
      elif $from | has("secretKeyRef") then data("Secret"; $from.secretKeyRef.name)[$from.secretKeyRef.key]
      elif $from | has("configMapKeyRef") then data("ConfigMap"; $from.configMapKeyRef.name)[$from.configMapKeyRef.key]
      else empty end
    | reduce $mounts[] as $m (.; if startswith($m.at) then $m.dir + .[($m.at | length):] else . end)
    | {($e.name): .}] | add // {})
  + (if $bin == "frontend" then {LEPTOS_SITE_ROOT: "\($here)/site"} else {} end)) as $env
| ($mounts[] | .dir as $d | .files | to_entries[] | "file\t\($d)/\(.key)\t\(.value | @base64)"),
  (if $bin == "frontend" then ("pkg/frontend.css", "pkg/frontend.js", "pkg/frontend.wasm", "favicon.svg") | "file\t\($here)/site/\(.)\t\("x" | @base64)" else empty end),
  ($env | to_entries | sort_by(.key)[] | "line\t\($here)/env\t\(.key)=\(.value)"),
  "line\t\($out)/list\t\($w.kind)/\($w.metadata.name) \($bin) \($here)",
  "\($w.kind)/\($w.metadata.name): \($bin), \($env | length) settings"
JQ
)
run_quiet docker run --rm -i --label "$EX_LABEL" "$TOOLBOX_IMAGE" jq -rs --arg out "$EX_TMP/env" "$ENV_JQ" <"$EX_TMP/overlay.json"
while IFS=$'\t' read -r TO FILE TEXT; do
  case $TO in
    file) mkdir -p "${FILE%/*}" && base64 -d <<<"$TEXT" >"$FILE" || RC=1 ;;
    line) mkdir -p "${FILE%/*}" && printf '%s\n' "$TEXT" >>"$FILE" || RC=1 ;;
  esac
done <<<"$OUT"
OUT=$(grep -v $'\t' <<<"$OUT"); _print_output
check_rc 0 "the environments are worked out for our containers |ko| 이 프로젝트의 컨테이너마다 환경을 구성했습니다"
check_eq "$(wc -l <"$EX_TMP/env/list" 2>/dev/null)" 4 "4 containers of ours (backend, favorites, frontend, swapi) |ko| 이 프로젝트의 컨테이너 4개(backend, favorites, frontend, swapi)"
# read_env: ENV = the lines of standard input, one array element each (bash 3.2 has no mapfile)
read_env() { ENV=(); while IFS= read -r line; do ENV+=("$line"); done; }
PASSWORD_VALUE=$(kubectl label --local -f "$EX_TMP/overlay.yaml" "$EX_LABEL" -o 'jsonpath={.data.password}' | base64 -d 2>/dev/null)
while read -r WORKLOAD BIN DIR; do
  if [ ! -x "$BIN_DIR/$BIN" ]; then
    say "SKIPPED $WORKLOAD: $BIN_DIR/$BIN is not built (cargo build --workspace --features frontend/ssr builds it) |ko| $WORKLOAD 건너뜀: $BIN_DIR/$BIN 바이너리가 빌드되어 있지 않습니다(빌드 명령: cargo build --workspace --features frontend/ssr)"
    continue
  fi
  read_env <"$DIR/env"
  run env -i "${ENV[@]}" "$BIN_DIR/$BIN" check-config
  check_rc 0 "$WORKLOAD: $BIN check-config accepts its environment |ko| $WORKLOAD: $BIN check-config가 그 환경을 받아들입니다"
  [ -n "$PASSWORD_VALUE" ] && check_true "$WORKLOAD: and does not print the password |ko| $WORKLOAD: 그리고 비밀번호를 출력하지 않습니다" -- no_line_ends_with "$OUT" "=$PASSWORD_VALUE"
done <"$EX_TMP/env/list"
if [ -x "$BIN_DIR/backend" ] && [ -f "$EX_TMP/env/backend/env" ]; then
  say "the check can fail: the backend without its Secret volume (the password file is not there) |ko| check-config가 실패하는 경우: 시크릿 볼륨이 없는 백엔드(비밀번호 파일이 없습니다)"
  read_env < <(sed 's|^MONGODB_PASSWORD_FILE=.*|MONGODB_PASSWORD_FILE=/etc/mongodb-root/password|' "$EX_TMP/env/backend/env")
  run env -i "${ENV[@]}" "$BIN_DIR/backend" check-config
  check_rc 2 "backend check-config refuses it |ko| backend check-config가 이 환경을 거부합니다"
  check_out_contains "cannot read" "and says why |ko| 그리고 이유를 알려 줍니다"
fi

# ------------------------------------------------------------------ on a cluster
if [ "$CLUSTER" = 0 ]; then
  step "on a cluster: skipped (no cluster answers here) |ko| 클러스터에서 하는 부분: 건너뜀(여기서는 응답하는 클러스터가 없음)"
  say "kubectl apply -k, get, describe, logs, scale, rollout, Pod Security, Service DNS, the |ko| kubectl apply -k, get, describe, logs, scale, rollout, 파드 보안, 서비스 DNS,"
  say "network policies and the PVC need a cluster: start kind, minikube or Docker Desktop's |ko| 네트워크 정책, PVC에는 클러스터가 필요합니다."
  say "Kubernetes and run this check again. |ko| kind, minikube 또는 Docker Desktop의 쿠버네티스를 시작하고 이 점검을 다시 실행하세요."
  exit 0
fi

step "the images into the cluster (no registry needed) |ko| 이미지를 클러스터에 넣기(레지스트리 필요 없음)"
need_image "${IMAGES[@]}"
run docker image ls --filter 'reference=goals-*'
check_out_contains goals-backend "the images exercises/build-images.sh built |ko| exercises/build-images.sh가 빌드한 이미지"
LOAD=("${IMAGES[@]}")
[ "$MONGO_IMAGE" != mongo:8 ] && { need_image "$MONGO_IMAGE"; LOAD+=("$MONGO_IMAGE"); }
case $CONTEXT in
  kind-*)
    command -v kind >/dev/null 2>&1 || fatal "the context is a kind cluster, but the kind command is missing |ko| 컨텍스트는 kind 클러스터인데 kind 명령이 없습니다"
    EX_CMD_TIMEOUT=600 run kind load docker-image --name "${CONTEXT#kind-}" "${LOAD[@]}"
    check_rc 0 "kind load docker-image: copied into the kind node |ko| kind load docker-image: kind 노드에 복사했습니다" ;;
  minikube)
    for img in "${LOAD[@]}"; do
      EX_CMD_TIMEOUT=600 run minikube image load "$img"
      check_rc 0 "minikube image load $img |ko| minikube image load $img: minikube에 넣었습니다"
    done ;;
  docker-desktop)
    say "Docker Desktop: its Kubernetes uses Docker's own images, nothing to load |ko| Docker Desktop: 그 쿠버네티스는 Docker의 이미지를 그대로 쓰므로 넣을 것이 없습니다" ;;
  *)
    say "context $CONTEXT: not kind, minikube or Docker Desktop. The cluster must find the images |ko| 컨텍스트 $CONTEXT: kind, minikube, Docker Desktop 중 어느 것도 아닙니다. 클러스터가 다음 이미지를"
    say "${LOAD[*]} by itself (its own loader, or a registry); otherwise the pods stay in ErrImagePull. |ko| 스스로(자체 로더나 레지스트리로) 찾아야 합니다: ${LOAD[*]}. 그렇지 않으면 파드가 ErrImagePull에 머뭅니다." ;;
esac

step "kubectl apply -k: the stack in the namespace $NS |ko| kubectl apply -k: 네임스페이스 $NS에 스택 올리기"
if kubectl get namespace "$NS" >/dev/null 2>&1; then
  say "a namespace $NS from an earlier run is here: deleting it first |ko| 이전 실행에서 남은 네임스페이스가 있습니다($NS). 먼저 지웁니다"
  EX_CMD_TIMEOUT=300 run kubectl delete namespace "$NS" --timeout=240s
fi
track cmd kubectl delete namespace "$NS" --ignore-not-found --timeout=240s
run kubectl apply -k "$KDIR"
check_rc 0 "kubectl apply -k |ko| kubectl apply -k 명령이 성공합니다"
check_out_contains "deployment.apps/backend created" "the objects are created |ko| 객체가 만들어집니다"
K=(kubectl -n "$NS")
for w in statefulset/mongodb deployment/backend deployment/favorites deployment/frontend deployment/swapi; do
  EX_CMD_TIMEOUT=$((WAIT + 30)) run "${K[@]}" rollout status "$w" --timeout="${WAIT}s"
  check_rc 0 "$w: rolled out (every replica ready) |ko| $w: 롤아웃 완료(모든 레플리카 준비됨)"
done
if [ "$EX_FAIL" -gt 0 ]; then
  run "${K[@]}" get pods -o wide
  run "${K[@]}" get events --sort-by=.lastTimestamp
  fatal "the stack is not ready (images missing in the cluster? see the events) |ko| 스택이 준비되지 않았습니다(클러스터에 이미지가 없나요? 이벤트를 보세요)"
fi

step "kubectl get, describe, logs |ko| kubectl get, describe, logs로 살펴보기"
run "${K[@]}" get pods,svc,pvc
check_out_match '^persistentvolumeclaim/data-mongodb-0 +Bound' "the StatefulSet's claim data-mongodb-0 is Bound |ko| 스테이트풀셋의 클레임(data-mongodb-0)이 Bound 상태입니다"
check_eq "$(count '^pod/backend-.* 1/1 +Running')" 2 "2 backend pods Running |ko| backend 파드 2개가 Running 상태입니다"
run "${K[@]}" describe deployment backend
check_out_match '^Replicas: +2 desired' "describe: 2 desired replicas ... |ko| describe: 원하는 레플리카 2개 ..."
check_out_contains "/readyz" "... and its readiness probe |ko| ... 그리고 준비 상태 프로브"
run "${K[@]}" logs deployment/backend
check_out_contains "listening" "kubectl logs: the backend's output (one of its pods) |ko| kubectl logs: 백엔드의 출력(파드 중 하나)"

step "kubectl scale: 2 -> 3 -> 2 |ko| kubectl scale: 레플리카 2개 -> 3개 -> 2개"
run "${K[@]}" scale deployment/backend --replicas=3
check_rc 0 "kubectl scale --replicas=3 |ko| kubectl scale --replicas=3 명령이 성공합니다"
run "${K[@]}" rollout status deployment/backend --timeout=120s
run "${K[@]}" get deployment backend -o 'jsonpath={.status.readyReplicas}'
check_eq "$OUT" 3 "3 ready replicas |ko| 준비된 레플리카 3개"
run "${K[@]}" scale deployment/backend --replicas=2
run "${K[@]}" rollout status deployment/backend --timeout=120s
run "${K[@]}" get deployment backend -o 'jsonpath={.spec.replicas}'
check_eq "$OUT" 2 "back to 2 |ko| 다시 2개"

step "kubectl rollout restart: new pods, one at a time, through the readiness probe |ko| kubectl rollout restart: 준비 상태 프로브를 거쳐 하나씩 새 파드로 교체"
run "${K[@]}" rollout restart deployment/backend
check_rc 0 "kubectl rollout restart |ko| kubectl rollout restart 명령이 성공합니다"
EX_CMD_TIMEOUT=200 run "${K[@]}" rollout status deployment/backend --timeout=180s
check_rc 0 "kubectl rollout status: the new pods are ready |ko| kubectl rollout status: 새 파드가 준비되었습니다"
run "${K[@]}" get replicasets -l app.kubernetes.io/name=backend -o 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas}{"\n"}{end}'
check_eq "$(count ' 0$')" 1 "the old ReplicaSet is scaled to 0 ... |ko| 이전 레플리카셋은 0개로 줄었고 ..."
check_eq "$(count ' 2$')" 1 "... the new one runs the 2 pods |ko| ... 새 레플리카셋이 파드 2개를 실행합니다"

step "Pod Security: a plain busybox pod is refused in $NS |ko| 파드 보안: $NS에서는 보안 설정 없이 만든 busybox 파드가 거부됨"
EX_CMD_TIMEOUT=60 run "${K[@]}" run "$(ex_name plain)" --rm -i --restart=Never --image="$DNS_IMAGE" -- true
check_rc nonzero "kubectl run: refused |ko| kubectl run: 거부됨"
check_out_contains 'violates PodSecurity "restricted' "by the namespace's Pod Security level, which names the fields it misses |ko| 네임스페이스의 파드 보안 수준 때문이며, 메시지가 빠진 항목을 알려 줍니다"

step "Service DNS: a busybox pod that meets restricted looks the Service up |ko| 서비스 DNS: restricted를 지키는 busybox 파드에서 서비스의 이름 확인"
EX_CMD_TIMEOUT=200 run "${K[@]}" run "$(ex_name dns)" --rm -i --restart=Never --pod-running-timeout=180s \
  --image="$DNS_IMAGE" --override-type=strategic --overrides="$(restricted_overrides "$(ex_name dns)")" -- \
  sh -c "grep search /etc/resolv.conf; nslookup backend.$NS.svc.cluster.local"
check_out_contains "search $NS.svc.cluster.local" "a pod's resolv.conf searches its namespace's domain first (short names work) |ko| 파드의 resolv.conf는 자기 네임스페이스의 도메인을 먼저 검색합니다(짧은 이름으로 충분합니다)"
check_out_contains "backend.$NS.svc.cluster.local" "the Service backend has a DNS name, <service>.<namespace>.svc.cluster.local |ko| 서비스 backend에는 DNS 이름 <service>.<namespace>.svc.cluster.local이 있습니다"
OUT_DNS=$OUT
CLUSTER_IP=$("${K[@]}" get svc backend -o 'jsonpath={.spec.clusterIP}')
run "${K[@]}" get svc backend
check_true "it resolves to the Service's ClusterIP $CLUSTER_IP (one address for all its pods) |ko| 이름 확인 결과는 서비스의 ClusterIP인 $CLUSTER_IP 주소입니다(파드가 몇 개든 주소 하나)" -- \
  grep -qE "^Address:?[[:space:]]+${CLUSTER_IP//./\\.}\$" <<<"$OUT_DNS"

step "network policies: kubectl get networkpolicy, and MongoDB from another namespace |ko| 네트워크 정책: kubectl get networkpolicy, 그리고 다른 네임스페이스에서 MongoDB로"
run "${K[@]}" get networkpolicy
check_eq "$(count '^(backend|default-deny|dns|favorites|favorites-swapi|frontend|mongodb|swapi) ')" 8 "8 policies |ko| 정책 8개"
check_out_match '^mongodb +app.kubernetes.io/name=mongodb ' "the policy mongodb selects the MongoDB pod |ko| 정책 mongodb가 MongoDB 파드를 선택합니다"
run "${K[@]}" describe networkpolicy mongodb
check_out_contains "27017/TCP" "describe: who may connect, and on which port |ko| describe: 누가 어느 포트로 연결할 수 있는지"
ENFORCER=$(policy_enforcer)
OUTSIDE=$(ex_name outside)
run kubectl create namespace "$OUTSIDE"
track cmd kubectl delete namespace "$OUTSIDE" --ignore-not-found --timeout=240s
run kubectl label namespace "$OUTSIDE" "$EX_LABEL"
EX_CMD_TIMEOUT=200 run kubectl -n "$OUTSIDE" run probe --rm -i --restart=Never --pod-running-timeout=180s \
  --image="$DNS_IMAGE" -- sh -c "nslookup mongodb.$NS.svc.cluster.local >/dev/null && echo resolves; wget -q -T 5 -O - http://mongodb.$NS.svc.cluster.local:27017"
check_out_contains resolves "the name mongodb.$NS.svc.cluster.local resolves from $OUTSIDE |ko| $OUTSIDE에서도 mongodb.$NS.svc.cluster.local 이름 확인이 됩니다"
if [ -n "$ENFORCER" ]; then
  check_rc nonzero "this cluster enforces network policies ($ENFORCER): a pod of $OUTSIDE gets no connection to MongoDB |ko| 이 클러스터는 네트워크 정책을 강제합니다($ENFORCER). $OUTSIDE의 파드는 MongoDB에 연결하지 못합니다"
  check_out_lacks "MongoDB" "and no answer from it |ko| 그리고 MongoDB의 응답도 없습니다"
elif [ "$RC" = 0 ]; then
  say "MongoDB answered a pod of another namespace: this cluster's network plugin does not enforce |ko| MongoDB가 다른 네임스페이스의 파드에 응답했습니다. 이 클러스터의 네트워크 플러그인은 네트워크 정책을 강제하지 않습니다"
  say "NetworkPolicies (the objects are accepted and do nothing). kind >= 0.24, Calico or Cilium enforce them. |ko| (정책 객체를 받기만 하고 아무것도 하지 않습니다). kind 0.24 이상, Calico, Cilium은 정책을 강제합니다."
else
  say "no connection: the policy mongodb is enforced here (no known plugin was recognized, so this is not asserted) |ko| 연결되지 않음: 여기서는 정책 mongodb가 강제됩니다(알려진 플러그인을 알아보지 못했으므로 이 결과는 검증하지 않습니다)"
fi
EX_CMD_TIMEOUT=300 run kubectl delete namespace "$OUTSIDE" --timeout=240s
[ "$RC" = 0 ] && untrack_cmd kubectl delete namespace "$OUTSIDE" --ignore-not-found --timeout=240s

step "a PVC outlives its pod: delete mongodb-0, the data is still there |ko| PVC는 파드보다 오래 남음: mongodb-0을 지워도 데이터가 그대로 있음"
PF=$(free_port)
run_bg "$EX_TMP/port-forward.log" "${K[@]}" port-forward svc/backend "$PF:80"
track pid "$BG_PID"
wait_port 127.0.0.1 "$PF" 20
check_rc 0 "kubectl port-forward svc/backend $PF:80 (one backend pod, through your machine's port $PF) |ko| kubectl port-forward svc/backend $PF:80(호스트 머신의 $PF번 포트에서 backend 파드 하나로)"
wait_http "http://localhost:$PF/readyz" 200 60
run "${CURL[@]}" -H 'Content-Type: application/json' -d '{"text":"Learn Kubernetes"}' "http://localhost:$PF/goals"
check_http 201 "POST /goals |ko| POST /goals로 목표(goal)를 저장합니다"
run "${K[@]}" get pvc data-mongodb-0 -o 'jsonpath={.metadata.uid} {.spec.volumeName}'
PVC_BEFORE=$OUT
run "${K[@]}" delete pod mongodb-0
check_rc 0 "kubectl delete pod mongodb-0 |ko| kubectl delete pod mongodb-0 명령이 성공합니다"
t0=$(_now); ready=
echo "${C_CMD}\$ $(_show "${K[@]}" get pod mongodb-0 -o 'jsonpath={.status.containerStatuses[0].ready}')${C_OFF}  ${C_DIM}# $(_m "repeated until true, at most $WAIT s" "true가 될 때까지 반복, 최대 ${WAIT}초")${C_OFF}"
for _ in $(seq "$WAIT"); do
  ready=$("${K[@]}" get pod mongodb-0 -o 'jsonpath={.status.containerStatuses[0].ready}' 2>/dev/null)
  [ "$ready" = true ] && break
  sleep 1
done
took=$(_secs "$t0")
echo "    ${ready:-$(_m "no pod yet" "아직 파드 없음")} ${C_DIM}($(_m "after $took s" "${took}초 뒤"))${C_OFF}"
check_eq "$ready" true "the StatefulSet made a new mongodb-0, and it is ready |ko| 스테이트풀셋이 새 mongodb-0 파드를 만들었고, 그 파드가 준비되었습니다"
run "${K[@]}" get pvc data-mongodb-0 -o 'jsonpath={.metadata.uid} {.spec.volumeName}'
check_eq "$OUT" "$PVC_BEFORE" "the same claim and volume: the new pod got the old pod's volume |ko| 같은 클레임과 볼륨: 새 파드가 이전 파드의 볼륨을 받았습니다"
wait_http "http://localhost:$PF/readyz" 200 120
check_rc 0 "the backend is ready again (it reconnected to the new mongodb pod) |ko| 백엔드가 다시 준비되었습니다(새 mongodb 파드에 다시 연결했습니다)"
run "${CURL[@]}" "http://localhost:$PF/goals"
check_out_contains '"text":"Learn Kubernetes"' "the goal is still there |ko| 목표가 그대로 있습니다"

step "kubectl delete -k: everything of the stack, the namespace $NS with it |ko| kubectl delete -k: 스택 전체와 네임스페이스 $NS까지 지우기"
kill "$BG_PID" 2>/dev/null
EX_CMD_TIMEOUT=300 run kubectl delete -k "$KDIR" --timeout=240s
check_rc 0 "kubectl delete -k |ko| kubectl delete -k 명령이 성공합니다"
run kubectl get namespace "$NS"
check_rc nonzero "the namespace is gone (and the PVC in it) |ko| 네임스페이스가 없어졌습니다(그 안의 PVC도)"
[ "$RC" != 0 ] && untrack_cmd kubectl delete namespace "$NS" --ignore-not-found --timeout=240s
