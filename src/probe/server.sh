# netproof server: starts one socat listener per declared port, each answering
# with this pod's identity, and waits. Same script in netshoot pods and in the lab:
#   sh -c "<this script>" netproof-server <identity> <port>/<tcp|udp|sctp>...
# The identity travels in the environment (NETPROOF_ID) and is only ever
# printed with printf '%s': it is never part of a shell string.
#
# TCP and SCTP ports: the client sends one line. A line that looks like an HTTP
# request line gets an HTTP/1.0 answer (status 200, or <code> for the path
# /status/<code>; header X-Netproof-Pod and a body with the identity); any other
# line gets the identity on one line. UDP ports answer every datagram with the
# identity. Listeners are IPv4.

set -u

if [ $# -lt 1 ]; then
  echo "netproof-server: usage: netproof-server <identity> <port>/<protocol>..." >&2
  exit 2
fi
case "$1" in
  '' | *[![:graph:]]*)
    echo "netproof-server: the identity must be printable, without spaces" >&2
    exit 2
    ;;
esac
NETPROOF_ID=$1
export NETPROOF_ID
shift

command -v socat >/dev/null 2>&1 || {
  echo "netproof-server: socat not found" >&2
  exit 3
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/netproof-server.XXXXXX") || exit 3
# The path goes into socat address strings, which have their own syntax.
case "$dir" in *[!A-Za-z0-9/._-]*)
  echo "netproof-server: unusable temp dir $dir" >&2
  exit 3
  ;;
esac

# One carriage return, computed once: a $(...) per connection costs a fork.
NETPROOF_CR=$(printf '\r')
export NETPROOF_CR

# socat execs the responder in place of its own child (nofork: one process per
# connection, not three), so socat's idle timeout no longer applies: where the
# shell's read has -t (busybox ash in netshoot, bash), a silent client is
# dropped after 5 s; dash has no -t.
# Asked of `sh`, the shell socat runs the responder with (exit 1 = EOF, 2 = no -t).
NETPROOF_READ_T=
sh -c 'read -t 1 _x </dev/null' 2>/dev/null
if [ $? -le 1 ]; then
  NETPROOF_READ_T="-t 5"
fi
export NETPROOF_READ_T

cat >"$dir/respond.sh" <<'EOF'
CR=$NETPROOF_CR
# shellcheck disable=SC2086
IFS= read $NETPROOF_READ_T -r line || line=
line=${line%"$CR"}
case "$line" in
  [A-Z]*" /"*" HTTP/"[0-9]*)
    method=${line%% *}
    rest=${line#* }
    path=${rest%% *}
    # shellcheck disable=SC2086
    while IFS= read $NETPROOF_READ_T -r header; do
      header=${header%"$CR"}
      [ -z "$header" ] && break
    done
    code=200
    reason=OK
    case "$path" in
      /status/[1-5][0-9][0-9])
        code=${path#/status/}
        reason=Status
        ;;
    esac
    printf 'HTTP/1.0 %s %s\r\nContent-Type: text/plain\r\nX-Netproof-Pod: %s\r\nConnection: close\r\n\r\n' \
      "$code" "$reason" "$NETPROOF_ID"
    [ "$method" = HEAD ] || printf '%s\n' "$NETPROOF_ID"
    ;;
  *) printf '%s\n' "$NETPROOF_ID" ;;
esac
EOF
# The UDP responder must also read the datagram: socat writes it to the
# responder's stdin, and if the responder has already exited, that write fails
# (EPIPE) and socat exits before it relays the reply. The reply goes first, so a
# datagram without a newline only keeps the responder until socat's -T 1.
cat >"$dir/udp.sh" <<'EOF'
printf '%s\n' "$NETPROOF_ID"
IFS= read -r _datagram || :
EOF

pids=
cleanup() {
  trap - EXIT INT TERM
  [ -n "$pids" ] && kill $pids 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'cleanup; exit 0' INT TERM

for spec in "$@"; do
  port=${spec%/*}
  proto=${spec#*/}
  case "$port" in '' | *[!0-9]*)
    echo "netproof-server: bad port in $spec" >&2
    exit 2
    ;;
  esac
  case "$proto" in
    tcp) socat -T 5 "TCP4-LISTEN:$port,fork,reuseaddr,backlog=1024" "EXEC:sh $dir/respond.sh,nofork" & ;;
    udp) socat -T 1 "UDP4-RECVFROM:$port,fork" "EXEC:sh $dir/udp.sh" & ;;
    sctp) socat -T 5 "SCTP4-LISTEN:$port,fork,reuseaddr,backlog=1024" "EXEC:sh $dir/respond.sh,nofork" & ;;
    *)
      echo "netproof-server: bad protocol in $spec" >&2
      exit 2
      ;;
  esac
  pids="$pids $!"
done
wait
