#!/usr/bin/env bash
# Private container engines for the tests and the demo.
#
#   engine.sh start [--podman] [--no-registry]   start (and provision) everything, write <state>/env
#   engine.sh stop                               stop what start started, remove the state dir
#   engine.sh env                                print the env file (for `eval "$(engine.sh env)"`)
#
# Everything lives under one state dir ($DEC_ENGINE_DIR, default <repo>/.engine) so several checkouts can each
# run their own engines on one machine at the same time without sharing sockets, storage or containerd state.
# Containers started in these engines are meant to use network "none": dockerd runs without a bridge and
# podman cannot find a bridge plugin, so nothing here ever creates a bridge or iptables rules.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=$(realpath -m "${DEC_ENGINE_DIR:-$REPO/.engine}")
BASE_IMAGE_REPO=dec-busybox
BASE_IMAGE=$BASE_IMAGE_REPO:latest
REG_USER=dec-user
# Five '?' then five '~': the standard base64 of any JSON holding this password contains both '/' and '+'
# whatever its alignment, so an auth header sent with the wrong alphabet cannot decode by luck.
REG_PASSWORD='dec-pass-?????~~~~~'
TIMEOUT=${DEC_ENGINE_TIMEOUT:-90}
# Each engine gets its own containerd namespace, named after the state dir.
NS=dec-$(printf %s "$STATE" | sha1sum | cut -c1-10)
# Our daemons talk to the loopback registry directly even if the caller has a proxy configured.
export NO_PROXY=127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}
export no_proxy=$NO_PROXY

log() { echo "engine: $*" >&2; }
die() { echo "engine: error: $*" >&2; exit 1; }

# --- processes ------------------------------------------------------------------------------------------------

# Alive means running; a zombie (never reaped when its parent is gone) has already exited.
alive() {
  local st
  st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $st && $st != Z && $st != X ]]
}

starttime() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }

# Record a pid with its start time, so stop never signals a recycled pid that belongs to someone else.
record_pid() { echo "$2 $(starttime "$2")" >"$STATE/pids/$1"; }

# Prints the recorded pid when that very process is still running.
recorded_pid() {
  local f=$STATE/pids/$1 pid st
  [[ -f $f ]] || return 1
  read -r pid st <"$f" || return 1
  alive "$pid" && [[ $(starttime "$pid") == "$st" ]] && echo "$pid"
}

wait_gone() { # wait_gone SECONDS PID... ; returns 1 if any is still running
  local deadline=$((SECONDS + $1)) p left
  shift
  while :; do
    left=0
    for p in "$@"; do alive "$p" && left=1; done
    ((left)) || return 0
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

stop_pids() { # stop_pids SECONDS PID... : TERM, wait, then KILL
  local secs=$1 p
  shift
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  if ! wait_gone "$secs" "$@"; then
    for p in "$@"; do alive "$p" && log "pid $p ignored SIGTERM for ${secs}s, killing it"; done
    kill -KILL "$@" 2>/dev/null || true
    wait_gone 10 "$@" || log "some processes did not exit: $*"
  fi
}

# Daemon processes whose command line names our own dirs (containerd shims, conmon, a dockerd or registry left
# over from a run that was killed): they were started for this state dir and for nothing else.
our_leftovers() {
  local d p comm cmd
  for d in /proc/[0-9]*; do
    p=${d#/proc/}
    [[ $p == "$$" ]] && continue
    comm=$(cat "$d/comm" 2>/dev/null) || continue
    case $comm in dockerd | containerd | containerd-shim* | docker-registry | podman | conmon) ;; *) continue ;; esac
    cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
    if [[ $cmd == *"$STATE/"* || $cmd == *"$RUN/"* ]] && alive "$p"; then echo "$p"; fi
  done
}

# --- paths ----------------------------------------------------------------------------------------------------

# Unix socket paths are limited to 108 bytes and containerd puts its sockets a few levels under the exec root:
# with a long state dir path, sockets and exec roots go to a short dir under /tmp that the state dir records.
set_run_dir() {
  if [[ -f $STATE/rundir ]]; then
    RUN=$(cat "$STATE/rundir")
  else
    RUN=$STATE/run
  fi
}

make_run_dir() {
  if ((${#STATE} > 50)); then
    RUN=$(mktemp -d /tmp/dec-engine.XXXXXX)
    touch "$RUN/.dec-engine"
    echo "$RUN" >"$STATE/rundir"
  else
    RUN=$STATE/run
    mkdir -p "$RUN"
  fi
}

# Podman reads its whole configuration from these three files: nothing from /etc/containers applies.
podman_env() {
  env CONTAINERS_CONF="$STATE/podman/containers.conf" CONTAINERS_STORAGE_CONF="$STATE/podman/storage.conf" \
    CONTAINERS_REGISTRIES_CONF="$STATE/podman/registries.conf" "$@"
}

# curl against an engine address: unix:///path or tcp://host:port.
engine_curl() {
  local host=$1
  shift
  case $host in
    unix://*) curl --unix-socket "${host#unix://}" "$@" ;;
    tcp://*) local url=${*: -1} && curl "${@:1:$#-1}" "http://${host#tcp://}${url#http://d}" ;;
    *) die "unsupported engine address: $host" ;;
  esac
}

# --- provisioning ---------------------------------------------------------------------------------------------

provision() {
  local want_podman=$1 missing=()
  local t
  for t in dockerd containerd runc docker-registry htpasswd curl openssl sshd gpg tree; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [[ -x /usr/bin/docker ]] || missing+=(/usr/bin/docker)
  # The seed image needs the static busybox: a dynamic one would not run in an image without a libc.
  dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || missing+=(busybox-static)
  if ((want_podman)); then
    for t in podman conmon; do command -v "$t" >/dev/null || missing+=("$t"); done
  fi
  ((${#missing[@]})) || return 0
  log "missing: ${missing[*]}; installing with apt-get"
  ((EUID == 0)) || die "need root to install ${missing[*]}"
  # All at once, with their recommends (uidmap, slirp4netns, fuse-overlayfs come with podman that way).
  # curl only when absent: naming an installed package would upgrade it for nothing.
  # openssh-server and gnupg (+ tree, which pass needs): the ssh:// and credential-helper tests. The credential
  # helpers themselves are never installed system-wide: see private_credential_helpers.
  local pkgs=(docker.io docker-registry apache2-utils busybox-static podman openssl openssh-server gnupg tree)
  command -v curl >/dev/null || pkgs+=(curl)
  apt-get update
  DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l apt-get install -y "${pkgs[@]}"
}

# docker-credential-pass and pass, unpacked under the state dir and put on PATH only by the tests that want them.
# Installed system-wide they would change every `docker login` on the machine: a config.json without credentials
# makes the docker CLI pick docker-credential-pass (or -secretservice) as its store by itself, and the login fails
# until `pass init` has been run.
private_credential_helpers() {
  local d=$STATE/credhelpers f
  mkdir -p "$d/deb"
  (cd "$d/deb" && apt-get download golang-docker-credential-helpers pass >/dev/null 2>&1) ||
    { apt-get update >/dev/null 2>&1 && (cd "$d/deb" && apt-get download golang-docker-credential-helpers pass >/dev/null); } ||
    die "could not download golang-docker-credential-helpers and pass with apt-get download"
  for f in "$d"/deb/*.deb; do dpkg -x "$f" "$d"; done
  [[ -x $d/usr/bin/docker-credential-pass && -x $d/usr/bin/pass ]] || die "credential helpers missing after unpacking"
  CREDHELPERS=$d/usr/bin
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# --- start pieces ---------------------------------------------------------------------------------------------

show_log() {
  [[ -f $1 ]] || return 0
  echo "---- last lines of $1 ----" >&2
  tail -n 40 "$1" >&2
  echo "----" >&2
}

wait_ping() { # wait_ping NAME HOST LOG PID
  local name=$1 host=$2 logf=$3 pid=$4 deadline=$((SECONDS + TIMEOUT))
  until [[ $(engine_curl "$host" -fsS --max-time 3 http://d/_ping 2>/dev/null) == OK ]]; do
    if ! alive "$pid"; then show_log "$logf"; die "$name exited during start-up"; fi
    if ((SECONDS >= deadline)); then show_log "$logf"; die "$name did not answer /_ping within ${TIMEOUT}s"; fi
    sleep 0.2
  done
}

# A CA, a server certificate for 127.0.0.1 and a client certificate (ca.pem, cert.pem, key.pem: the layout of
# DOCKER_CERT_PATH) for dockerd's TLS listener, so the tests can reach a real engine over tcp:// with TLS.
make_tls() {
  local d=$STATE/tls
  mkdir -p "$d/client"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$d/ca-key.pem" -out "$d/ca.pem" -days 7 -subj /CN=dec-test-ca 2>/dev/null
  openssl req "${ec[@]}" -keyout "$d/server-key.pem" -out "$d/server.csr" -subj /CN=127.0.0.1 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 7 \
    -extfile "$d/server.ext" -out "$d/server-cert.pem" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$d/client/key.pem" -out "$d/client.csr" -subj /CN=dec-test-client 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$d/client.ext"
  openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca-key.pem" -CAcreateserial -days 7 \
    -extfile "$d/client.ext" -out "$d/client/cert.pem" 2>/dev/null
  cp "$d/ca.pem" "$d/client/ca.pem"
  [[ -s $d/server-cert.pem && -s $d/client/cert.pem ]] || die "could not make TLS certificates with openssl"
}

start_dockerd() {
  mkdir -p "$STATE/docker"
  make_tls
  TLS_HOST=tcp://127.0.0.1:$(free_port)
  # An empty config file of our own, so a system /etc/docker/daemon.json cannot change this daemon.
  echo '{}' >"$STATE/daemon.json"
  log "starting dockerd (state $STATE)"
  setsid dockerd \
    --config-file "$STATE/daemon.json" \
    --data-root "$STATE/docker" \
    --exec-root "$RUN/x" \
    --pidfile "$RUN/docker.pid" \
    -H "unix://$RUN/docker.sock" \
    -H "$TLS_HOST" --tlsverify --tlscacert "$STATE/tls/ca.pem" \
    --tlscert "$STATE/tls/server-cert.pem" --tlskey "$STATE/tls/server-key.pem" \
    --containerd-namespace "$NS" \
    --containerd-plugins-namespace "$NS-plugins" \
    --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --userland-proxy=false \
    </dev/null >>"$STATE/logs/dockerd.log" 2>&1 &
  local pid=$!
  record_pid dockerd "$pid"
  export DOCKER_HOST=unix://$RUN/docker.sock
  wait_ping dockerd "$DOCKER_HOST" "$STATE/logs/dockerd.log" "$pid"
  # dockerd runs its own containerd; record it too so stop can make sure it is gone.
  local cpid
  cpid=$(cat "$RUN/x/containerd/containerd.pid" 2>/dev/null || true)
  [[ -n $cpid ]] && alive "$cpid" && record_pid containerd "$cpid"
  return 0
}

build_rootfs() {
  local root=$STATE/rootfs p
  [[ -f $STATE/rootfs.tar ]] && return 0
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  # Every applet at the path busybox itself gives it (bin/sh, usr/bin/env, ...).
  while read -r p; do
    mkdir -p "$root/$(dirname "$p")"
    [[ -e $root/$p || -L $root/$p ]] || ln -s /bin/busybox "$root/$p"
  done < <(/bin/busybox --list-full)
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$STATE/rootfs.tar" .
  rm -rf "$root"
}

seed_image() { # seed_image NAME HOST
  local name=$1 host=$2 out
  if [[ $(engine_curl "$host" -s -o /dev/null -w '%{http_code}' "http://d/images/$BASE_IMAGE/json") == 200 ]]; then
    return 0
  fi
  build_rootfs
  log "importing $BASE_IMAGE into $name"
  out=$(engine_curl "$host" -fsS -X POST -H 'Content-Type: application/x-tar' --data-binary "@$STATE/rootfs.tar" \
    "http://d/images/create?fromSrc=-&repo=$BASE_IMAGE_REPO&tag=latest&changes=CMD%20%5B%22sh%22%5D") ||
    die "importing $BASE_IMAGE into $name failed"
  # Import answers 200 and reports a failure inside the body.
  [[ $out != *'"error"'* ]] || die "importing $BASE_IMAGE into $name failed: $out"
  [[ $(engine_curl "$host" -s -o /dev/null -w '%{http_code}' "http://d/images/$BASE_IMAGE/json") == 200 ]] ||
    die "$BASE_IMAGE is not in $name after import"
}

check_run() { # check_run NAME CMD...
  local name=$1 out
  shift
  out=$("$@" run --rm --network none "$BASE_IMAGE" echo ok 2>&1) || die "$name cannot run a container: $out"
  [[ $out == ok ]] || die "$name ran a container but it printed: $out"
}

start_registry() {
  local dir=$STATE/registry tries port pid deadline code
  mkdir -p "$dir/data"
  htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$dir/htpasswd"
  for tries in 1 2 3; do
    port=$(free_port)
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
auth:
  htpasswd:
    realm: dec-test-registry
    path: $dir/htpasswd
EOF
    log "starting registry on 127.0.0.1:$port"
    setsid docker-registry serve "$dir/config.yml" </dev/null >>"$STATE/logs/registry.log" 2>&1 &
    pid=$!
    record_pid registry "$pid"
    deadline=$((SECONDS + TIMEOUT))
    while :; do
      code=$(curl -s -o /dev/null --max-time 3 -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)
      [[ $code == 401 ]] && break
      alive "$pid" || break
      if ((SECONDS >= deadline)); then show_log "$STATE/logs/registry.log"; die "registry did not answer within ${TIMEOUT}s"; fi
      sleep 0.2
    done
    if [[ $code == 401 ]]; then
      REGISTRY=127.0.0.1:$port
      return 0
    fi
    # Someone took the port between our pick and the registry's bind: pick again.
    grep -q 'address already in use' "$STATE/logs/registry.log" || break
  done
  show_log "$STATE/logs/registry.log"
  die "registry exited during start-up"
}

# A real login and push through the engine proves the daemon treats the loopback registry as plain http and
# that the credentials work, before any test depends on it.
check_push() {
  local cfg ref=$REGISTRY/dec-rig/push-check:latest out
  cfg=$(mktemp -d)
  # PATH without credential helpers: a docker-credential-pass on PATH would become the CLI's default store.
  out=$({
    export PATH=/nonexistent
    printf %s "$REG_PASSWORD" | DOCKER_CONFIG=$cfg /usr/bin/docker login -u "$REG_USER" --password-stdin "$REGISTRY" &&
      DOCKER_CONFIG=$cfg /usr/bin/docker tag "$BASE_IMAGE" "$ref" &&
      DOCKER_CONFIG=$cfg /usr/bin/docker push "$ref" &&
      DOCKER_CONFIG=$cfg /usr/bin/docker rmi "$ref"
  } 2>&1) || {
    rm -rf "$cfg"
    show_log "$STATE/logs/registry.log"
    die "docker login/push to $REGISTRY failed: $out"
  }
  rm -rf "$cfg"
}

start_podman() {
  local p=$STATE/podman nofile nproc pid
  mkdir -p "$p/root" "$p/net" "$p/nocni" "$RUN/pr" "$RUN/pt"
  # Podman asks for 1048576 open files and processes per container unless told otherwise; without
  # CAP_SYS_RESOURCE that fails, so ask for what this process may have (the service caps nproc at 32768).
  nofile=$(ulimit -Hn)
  [[ $nofile == unlimited || $nofile -gt 1048576 ]] && nofile=1048576
  nproc=$(ulimit -Hu)
  [[ $nproc == unlimited || $nproc -gt 32768 ]] && nproc=32768
  # The CNI backend with an empty plugin dir: a container that asks for a bridge network fails loudly
  # instead of getting one. Everything else podman keeps (storage, locks, events, volumes) stays in here.
  cat >"$p/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]

[network]
network_backend = "cni"
cni_plugin_dirs = ["$p/nocni"]
network_config_dir = "$p/net"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$p/events.log"
tmp_dir = "$RUN/pt"
static_dir = "$p/root/libpod"
volume_path = "$p/root/volumes"
EOF
  cat >"$p/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$p/root"
runroot = "$RUN/pr"
EOF
  {
    echo 'unqualified-search-registries = []'
    echo 'short-name-mode = "permissive"'
    if [[ -n ${REGISTRY:-} ]]; then
      printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$REGISTRY"
    fi
  } >"$p/registries.conf"
  log "starting podman service"
  PODMAN_HOST=unix://$RUN/podman.sock
  # Not through podman_env: a function run in the background is a subshell, and $! must be podman itself.
  env CONTAINERS_CONF="$p/containers.conf" CONTAINERS_STORAGE_CONF="$p/storage.conf" \
    CONTAINERS_REGISTRIES_CONF="$p/registries.conf" setsid podman system service --time=0 "$PODMAN_HOST" \
    </dev/null >>"$STATE/logs/podman.log" 2>&1 &
  pid=$!
  record_pid podman "$pid"
  wait_ping podman "$PODMAN_HOST" "$STATE/logs/podman.log" "$pid"
  engine_curl "$PODMAN_HOST" -fsS --max-time 10 http://d/v1.41/version | grep -q '"ApiVersion"' ||
    die "podman answers /_ping but not /v1.41/version"
  seed_image podman "$PODMAN_HOST"
  check_run podman podman_env podman --remote --url "$PODMAN_HOST"
}

q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

write_env() {
  {
    echo "# written by scripts/engine.sh; source it to reach the private engines"
    echo "export DOCKER_HOST=$(q "$DOCKER_HOST")"
    if [[ -n ${REGISTRY:-} ]]; then
      echo "export DEC_TEST_REGISTRY=$(q "$REGISTRY")"
      echo "export DEC_TEST_REGISTRY_USER=$(q "$REG_USER")"
      echo "export DEC_TEST_REGISTRY_PASSWORD=$(q "$REG_PASSWORD")"
    fi
    echo "export DEC_TEST_BASE_IMAGE=$(q "$BASE_IMAGE")"
    [[ -n ${PODMAN_HOST:-} ]] && echo "export DEC_PODMAN_HOST=$(q "$PODMAN_HOST")"
    [[ -n ${CREDHELPERS:-} ]] && echo "export DEC_CREDHELPERS_PATH=$(q "$CREDHELPERS")"
    if [[ -n ${TLS_HOST:-} ]]; then
      echo "export DEC_TLS_HOST=$(q "$TLS_HOST")"
      echo "export DEC_TLS_CERTS=$(q "$STATE/tls/client")"
    fi
    echo "export DEC_ENGINE_DIR=$(q "$STATE")"
  } >"$STATE/env.tmp"
  mv "$STATE/env.tmp" "$STATE/env"
}

cmd_start() {
  local want_podman=0 want_registry=1 a
  for a in "$@"; do
    case $a in
      --podman) want_podman=1 ;;
      --no-registry) want_registry=0 ;;
      *) die "unknown option: $a" ;;
    esac
  done
  # A state dir left by a killed run (or a previous start) is cleaned up first.
  if [[ -n $(ls -A "$STATE" 2>/dev/null) ]]; then
    log "cleaning up existing state dir $STATE"
    cmd_stop
  fi
  provision "$want_podman"
  mkdir -p "$STATE/pids" "$STATE/logs"
  touch "$STATE/.dec-engine"
  make_run_dir
  # Whatever fails from here on, leave nothing running behind.
  trap 'rc=$?; if ((rc)); then log "start failed, stopping what was started"; cmd_stop || true; fi' EXIT

  if [[ -n ${DOCKER_HOST:-} ]]; then
    log "using the caller's engine at $DOCKER_HOST"
    echo "$DOCKER_HOST" >"$STATE/external-docker"
    [[ $(engine_curl "$DOCKER_HOST" -fsS --max-time 10 http://d/_ping 2>/dev/null) == OK ]] ||
      die "DOCKER_HOST=$DOCKER_HOST does not answer /_ping"
  else
    start_dockerd
  fi
  seed_image "the docker engine" "$DOCKER_HOST"
  check_run "the docker engine" env DOCKER_HOST="$DOCKER_HOST" DOCKER_CONFIG="$STATE/cli" /usr/bin/docker
  if ((want_registry)); then
    start_registry
    check_push
  fi
  ((want_podman)) && start_podman
  private_credential_helpers
  write_env
  trap - EXIT
  log "ready: source $STATE/env"
}

cmd_stop() {
  [[ -e $STATE ]] || return 0
  if [[ ! -e $STATE/.dec-engine ]] && [[ -n $(ls -A "$STATE") ]]; then
    die "$STATE was not made by engine.sh; not touching it"
  fi
  set_run_dir
  local pids=() p n id

  # Podman containers outlive the service (conmon keeps them), so remove them with podman itself, which works
  # on its storage directly, whether or not the service is still up.
  if [[ -f $STATE/podman/containers.conf ]] && command -v podman >/dev/null; then
    podman_env timeout 60 podman pod rm --all --force >/dev/null 2>&1 || true
    podman_env timeout 60 podman rm --all --force --time 0 >/dev/null 2>&1 || true
  fi
  # dockerd stops its containers and its containerd when it gets SIGTERM, but gives each container 10 s to
  # stop by itself; ours are disposable, so kill them first. Never done to a caller's engine.
  if [[ ! -e $STATE/external-docker ]] && recorded_pid dockerd >/dev/null; then
    for id in $(curl -fsS --max-time 10 --unix-socket "$RUN/docker.sock" http://d/containers/json 2>/dev/null |
      grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -fsS --max-time 10 --unix-socket "$RUN/docker.sock" -X POST "http://d/containers/$id/kill" >/dev/null 2>&1 || true
    done
  fi
  for n in podman registry dockerd; do
    p=$(recorded_pid "$n") && pids+=("$p")
  done
  stop_pids 30 "${pids[@]}"
  if p=$(recorded_pid containerd); then stop_pids 15 "$p"; fi

  # What a killed dockerd left behind: containers its containerd ran, then the shims and any daemon of ours.
  local rroot=$RUN/x/runtime-runc/$NS
  if [[ -d $rroot ]] && command -v runc >/dev/null; then
    for id in $(runc --root "$rroot" list -q 2>/dev/null); do
      runc --root "$rroot" delete --force "$id" >/dev/null 2>&1 || true
    done
  fi
  mapfile -t pids < <(our_leftovers)
  if ((${#pids[@]})); then
    log "stopping leftover processes: ${pids[*]}"
    stop_pids 10 "${pids[@]}"
  fi

  # Mounts under our dirs (overlay layers, netns files, podman's storage bind mount), deepest first.
  local m
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "could not unmount $m"
  done < <(awk -v a="$STATE/" -v b="$RUN/" 'index($5, a) == 1 || index($5, b) == 1 { print $5 }' /proc/self/mountinfo |
    sed 's/\\040/ /g' | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)

  if [[ $RUN != "$STATE/run" && -e $RUN/.dec-engine ]]; then rm -rf "$RUN"; fi
  rm -rf "$STATE"
  [[ ! -e $STATE ]] || die "could not remove $STATE"
}

cmd_env() {
  [[ -f $STATE/env ]] || die "no engine running for $STATE (run: scripts/engine.sh start)"
  cat "$STATE/env"
}

case ${1:-} in
  start) shift && cmd_start "$@" ;;
  stop) cmd_stop && log "stopped" ;;
  env) cmd_env ;;
  *) echo "usage: engine.sh start [--podman] [--no-registry] | stop | env" >&2 && exit 2 ;;
esac
