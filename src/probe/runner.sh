# netproof probe runner: one static POSIX sh script, run unchanged in netshoot
# (busybox ash) and in the lab (dash). Invoked as
#   sh -c "<this script>" netproof-probe v1 <probe>...
# where every probe is exactly 7 arguments:
#   id kind host port timeout a b
#     tcp|udp|sctp: a = expected identity ("" = none), b = ""
#     http:         a = method, b = path (starting with /)
#     dns:          host = name to resolve, port = server port, a = server ("" = resolv.conf), b = ""
# timeout T is in whole seconds. The probe list only ever arrives as arguments
# and every value is quoted: no value is ever evaluated by a shell.
#
# All probes run at once, each in its own background job writing to a temp dir
# (tmpfs when there is one) that is removed on exit. Output: exactly one line
# per probe, in argument order, and nothing else:
#   <id> <outcome> <ms> <detail>
# outcome: connected | refused | timeout | dns-error | http:<status> | error
# ms has 10 ms resolution (/proc/uptime; 1 s if that is unreadable).
# A probe ends within T s, except: UDP ~T + 0.4 s (nc waits for its idle
# timeout after three sends); a name that hangs in resolution, killed at 2T + 1 s.
# An id that is not [A-Za-z0-9._-]+ gets no line (and a note on stderr).
# Exit status: 0 once the probes ran; 2 for malformed arguments; 3 if no temp dir.

set -u

# Hot paths avoid forks: with a thousand probes in flight on a small node, every
# $(...) and pipeline costs. Helpers set variables instead of printing.
CR=$(printf '\r')

# now_ms: sets _now (ms since boot, 10 ms resolution; 1 s without /proc/uptime)
now_ms() {
  if read -r _up _rest 2>/dev/null </proc/uptime; then
    _s=${_up%.*}
    _f=${_up#*.}
    _f=${_f#0}
    _now=$((_s * 1000 + _f * 10))
  else
    _now=$(($(date +%s) * 1000))
  fi
}

# read_first file: sets _line to the first line of a file, without its CR
read_first() {
  _line=
  [ -s "$1" ] && IFS= read -r _line <"$1"
  _line=${_line%"$CR"}
}

# read_all file: sets _text to the whole file on one line
read_all() {
  _text=
  [ -s "$1" ] || return 0
  while IFS= read -r _l || [ -n "$_l" ]; do
    _text="$_text${_text:+ }${_l%"$CR"}"
  done <"$1"
}

is_ip() {
  case "$1" in *:*) return 0 ;; *[!0-9.]*) return 1 ;; *) return 0 ;; esac
}

# bounded T host cmd...: nc and socat bound connect and idle time with T but not
# name resolution (a blocked DNS server can hold getaddrinfo for many seconds).
# For a name, run under timeout(1) when there is one, killed after 2T+1 s: 137.
if command -v timeout >/dev/null 2>&1; then
  bounded() {
    if is_ip "$2"; then
      shift 2
      "$@"
    else
      _lim=$(($1 * 2 + 1))
      shift 2
      timeout -s KILL "$_lim" "$@"
    fi
  }
else
  bounded() {
    shift 2
    "$@"
  }
fi

# emit id outcome start detail
emit() {
  now_ms
  _d=$4
  case "$_d" in *[![:print:]]*) _d=$(printf '%s' "$_d" | tr -c '[:print:]' ' ') ;; esac
  printf '%s %s %s %s\n' "$1" "$2" "$((_now - $3))" "$_d"
}

# classify_failure text: sets _cls ("" if not recognised) and _cls_detail for
# a socket error message from nc or socat.
# An ICMP "no route to host"/"network unreachable" is an active rejection
# (a REJECT rule, or no route at all): refused, with a detail saying which.
# A silent drop is a timeout.
classify_failure() {
  _cls=
  _cls_detail=
  case "$1" in
    *"Connection refused"*) _cls=refused _cls_detail="connection refused" ;;
    *"No route to host"*) _cls=refused _cls_detail="no route to host" ;;
    *"Network is unreachable"*) _cls=refused _cls_detail="network unreachable" ;;
    *"Permission denied"* | *"Operation not permitted"*) _cls=refused _cls_detail="not permitted" ;;
    *"timed out"* | *"Operation now in progress"*) _cls=timeout _cls_detail="no answer" ;;
    *getaddrinfo* | *"name resolution"* | *"Name does not resolve"* | *"No address associated"* | *"not known"*)
      _cls=dns-error _cls_detail=$1 ;;
    *"Protocol not supported"*) _cls=error _cls_detail="sctp not supported by this kernel" ;;
  esac
}

# check_identity id start expected got: the verdict once a server answered
check_identity() {
  if [ -z "$3" ]; then
    emit "$1" connected "$2" "$4"
  elif [ -z "$4" ]; then
    emit "$1" error "$2" "connected but no identity answered, expected $3"
  elif [ "$4" = "$3" ]; then
    emit "$1" connected "$2" "$4"
  else
    emit "$1" error "$2" "answered by $4, expected $3"
  fi
}

# report_failure id start errfile host T rc: a failed connection attempt
report_failure() {
  if [ "$6" -eq 137 ]; then
    # Killed by bounded(): nc's own limits had passed, so resolution hung.
    emit "$1" dns-error "$2" "name resolution timed out"
    return
  fi
  read_all "$3"
  classify_failure "$_text"
  if [ -n "$_cls" ]; then
    emit "$1" "$_cls" "$2" "$_cls_detail"
  else
    emit "$1" error "$2" "${_text:-exit $6 without a message}"
  fi
}

# nc_flags host: -n for an address (no resolver, no /etc/services lookup for
# the -v message: both cost CPU with a thousand probes in flight)
nc_flags() {
  if is_ip "$1"; then _ncf=-vn; else _ncf=-v; fi
}

# report_stream id host T expect work start rc: the verdict of a stream
# connection attempt (tcp, sctp) from its exit status and captured output
report_stream() {
  if [ "$7" -eq 0 ]; then
    read_first "$5.out"
    check_identity "$1" "$6" "$4" "$_line"
  else
    report_failure "$1" "$6" "$5.err" "$2" "$3" "$7"
  fi
}

probe_tcp() { # id host port T expect work start
  command -v nc >/dev/null 2>&1 || { emit "$1" error "$7" "nc not found"; return; }
  nc_flags "$2"
  if [ -z "$5" ]; then
    bounded "$4" "$2" nc "$_ncf" -z -w "$4" "$2" "$3" </dev/null >"$6.out" 2>"$6.err"
  else
    bounded "$4" "$2" nc "$_ncf" -w "$4" "$2" "$3" <"$dir/payload" >"$6.out" 2>"$6.err"
  fi
  report_stream "$1" "$2" "$4" "$5" "$6" "$7" "$?"
}

# UDP: only a reply proves anything. Without a reply nc -u waits for the idle
# timeout T; it returns early only when the socket got an ICMP error back (port
# unreachable, admin-prohibited, ...): that is an active rejection, so refused.
# nc keeps waiting for T even after a reply: a UDP probe takes ~T + 0.4 s.
# The payload goes out three times, 0.2 s apart: one datagram lost on a busy
# node (a full socket buffer, a slow forking server) must not read as a denial.
udp_payload() {
  printf 'netproof\n'
  sleep 0.2
  printf 'netproof\n'
  sleep 0.2
  printf 'netproof\n'
}

probe_udp() { # id host port T expect work start
  command -v nc >/dev/null 2>&1 || { emit "$1" error "$7" "nc not found"; return; }
  if is_ip "$2"; then _ncf=-nu; else _ncf=-u; fi
  udp_payload 2>/dev/null | bounded "$4" "$2" nc "$_ncf" -w "$4" "$2" "$3" >"$6.out" 2>"$6.err"
  _rc=$?
  now_ms
  _took=$((_now - $7))
  read_first "$6.out"
  if [ -n "$_line" ]; then
    check_identity "$1" "$7" "$5" "$_line"
  elif [ -s "$6.err" ] || [ "$_rc" -ne 0 ]; then
    report_failure "$1" "$7" "$6.err" "$2" "$4" "$_rc"
  elif [ "$_took" -lt $(($4 * 500)) ]; then
    emit "$1" refused "$7" "icmp error, no reply"
  else
    emit "$1" timeout "$7" "no reply"
  fi
}

probe_sctp() { # id host port T expect work start
  command -v socat >/dev/null 2>&1 || { emit "$1" error "$7" "socat not found (needed for sctp)"; return; }
  case "$2" in *:*) _h="[$2]" ;; *) _h=$2 ;; esac
  bounded "$4" "$2" socat -T "$4" STDIO "SCTP-CONNECT:$_h:$3,connect-timeout=$4" <"$dir/payload" >"$6.out" 2>"$6.err"
  report_stream "$1" "$2" "$4" "$5" "$6" "$7" "$?"
}

probe_http() { # id host port T method path work start
  command -v curl >/dev/null 2>&1 || { emit "$1" error "$8" "curl not found"; return; }
  case "$2" in *:*) _h="[$2]" ;; *) _h=$2 ;; esac
  if [ "$5" = HEAD ]; then
    set -- "$1" "$_h" "$3" "$4" "$5" "$6" "$7" "$8" --head
  else
    set -- "$1" "$_h" "$3" "$4" "$5" "$6" "$7" "$8" -X "$5"
  fi
  curl -g -sS -o /dev/null -D "$7.hdr" -w '%{http_code}' --connect-timeout "$4" --max-time "$4" \
    "$9" ${10+"${10}"} "http://$2:$3$6" >"$7.code" 2>"$7.err"
  _rc=$?
  case "$_rc" in
    0)
      read_first "$7.code"
      _code=$_line
      _pod=
      while IFS= read -r _l; do
        case "$_l" in [Xx]-[Nn]etproof-[Pp]od:*)
          _pod=${_l#*:}
          _pod=${_pod# }
          _pod=${_pod%"$CR"}
          break
          ;;
        esac
      done <"$7.hdr"
      emit "$1" "http:$_code" "$8" "$_pod"
      ;;
    6)
      read_first "$7.err"
      emit "$1" dns-error "$8" "$_line"
      ;;
    7)
      read_all "$7.err"
      classify_failure "$_text"
      case "$_cls" in
        refused) emit "$1" refused "$8" "$_cls_detail" ;;
        *) emit "$1" refused "$8" "could not connect" ;;
      esac
      ;;
    28) emit "$1" timeout "$8" "no answer" ;;
    *)
      read_first "$7.err"
      emit "$1" error "$8" "curl exit $_rc: $_line"
      ;;
  esac
}

# dig_answer file: sets _status (NOERROR, NXDOMAIN, ...) and appends the A and
# AAAA addresses of the answer section to _addrs
dig_answer() {
  while IFS= read -r _l; do
    case "$_l" in
      *"status: "*)
        _st=${_l#*status: }
        _status=${_st%%,*}
        ;;
      ";"* | "") ;;
      *)
        # name ttl class type data
        set -f
        # shellcheck disable=SC2086
        set -- $_l
        set +f
        if [ $# -ge 5 ] && { [ "$4" = A ] || [ "$4" = AAAA ]; }; then
          _addrs="$_addrs${_addrs:+,}$5"
        fi
        ;;
    esac
  done <"$1"
}

probe_dns() { # id name port T server work start
  command -v dig >/dev/null 2>&1 || { emit "$1" error "$7" "dig not found"; return; }
  if [ -n "$5" ]; then
    dig "@$5" -p "$3" +time="$4" +tries=1 +search +noall +comments +answer "$2" A >"$6.a" 2>"$6.aerr" &
    _pa=$!
    dig "@$5" -p "$3" +time="$4" +tries=1 +search +noall +comments +answer "$2" AAAA >"$6.q" 2>&1 &
    _pq=$!
  else
    dig +time="$4" +tries=1 +search +noall +comments +answer "$2" A >"$6.a" 2>"$6.aerr" &
    _pa=$!
    dig +time="$4" +tries=1 +search +noall +comments +answer "$2" AAAA >"$6.q" 2>&1 &
    _pq=$!
  fi
  wait "$_pa"
  _rc=$?
  wait "$_pq"
  case "$_rc" in
    0) ;;
    9)
      read_all "$6.a"
      case "$_text" in
        *"connection refused"*) emit "$1" refused "$7" "dns server refused the connection" ;;
        *) emit "$1" timeout "$7" "no reply from dns server" ;;
      esac
      return
      ;;
    *)
      read_first "$6.aerr"
      emit "$1" error "$7" "dig exit $_rc: $_line"
      return
      ;;
  esac
  _status=
  _addrs=
  dig_answer "$6.a"
  _a_status=$_status
  dig_answer "$6.q"
  case "$_a_status" in
    NOERROR)
      if [ -n "$_addrs" ]; then
        emit "$1" connected "$7" "$_addrs"
      else
        emit "$1" dns-error "$7" "no addresses"
      fi
      ;;
    NXDOMAIN) emit "$1" dns-error "$7" "nxdomain" ;;
    "") emit "$1" error "$7" "dig printed no status" ;;
    *) emit "$1" dns-error "$7" "$(printf '%s' "$_a_status" | tr 'A-Z' 'a-z')" ;;
  esac
}

is_uint() {
  case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac
}

# probe index id kind host port timeout a b
probe() {
  now_ms
  _start=$_now
  _w="$dir/$1"
  shift
  is_uint "$4" || { emit "$1" error "$_start" "bad port"; return; }
  is_uint "$5" && [ "$5" -gt 0 ] || { emit "$1" error "$_start" "bad timeout"; return; }
  case "$3" in '' | -* | +* | @*) emit "$1" error "$_start" "bad host"; return ;; esac
  case "$2" in
    tcp) probe_tcp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    udp) probe_udp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    sctp) probe_sctp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    http)
      case "$6" in '' | *[!A-Z]*) emit "$1" error "$_start" "bad method"; return ;; esac
      case "$7" in /*) ;; *) emit "$1" error "$_start" "bad path"; return ;; esac
      probe_http "$1" "$3" "$4" "$5" "$6" "$7" "$_w" "$_start"
      ;;
    dns)
      case "$6" in -*) emit "$1" error "$_start" "bad dns server"; return ;; esac
      probe_dns "$1" "$3" "$4" "$5" "$6" "$_w" "$_start"
      ;;
    *) emit "$1" error "$_start" "unknown probe kind" ;;
  esac
}

if [ "${1-}" != v1 ]; then
  echo "netproof-probe: expected encoding v1 as the first argument" >&2
  exit 2
fi
shift
if [ $(($# % 7)) -ne 0 ]; then
  echo "netproof-probe: $# probe arguments is not a multiple of 7" >&2
  exit 2
fi

# Temp files go to tmpfs when there is one (/dev/shm in containers): creating
# thousands of small files on ext4 costs more CPU than the probes themselves.
if [ -n "${TMPDIR:-}" ]; then
  _base=$TMPDIR
elif [ -d /dev/shm ] && [ -w /dev/shm ]; then
  _base=/dev/shm
else
  _base=/tmp
fi
dir=$(mktemp -d "$_base/netproof-probe.XXXXXX") || {
  echo "netproof-probe: cannot create a temp dir" >&2
  exit 3
}
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
printf 'netproof\n' >"$dir/payload"

# usable_id id: the id can be printed unambiguously as the first word of a line
usable_id() {
  case "$1" in '' | *[!A-Za-z0-9._-]*) return 1 ;; *) return 0 ;; esac
}

# The arguments are walked without shifting, so the ids are still there for
# the output pass.
n=0
k=0
for _a in "$@"; do
  k=$((k + 1))
  case "$k" in
    1) a1=$_a ;;
    2) a2=$_a ;;
    3) a3=$_a ;;
    4) a4=$_a ;;
    5) a5=$_a ;;
    6) a6=$_a ;;
    7)
      k=0
      if usable_id "$a1"; then
        (probe "$n" "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$_a") </dev/null >"$dir/$n.line" 2>/dev/null &
      else
        # The caller sees this probe missing from the output.
        echo "netproof-probe: probe $n has an unusable id" >&2
      fi
      n=$((n + 1))
      ;;
  esac
done
wait

n=0
k=0
for _a in "$@"; do
  k=$((k + 1))
  [ "$k" -eq 1 ] && _id=$_a
  if [ "$k" -eq 7 ]; then
    k=0
    if usable_id "$_id"; then
      read_first "$dir/$n.line"
      if [ -n "$_line" ]; then
        printf '%s\n' "$_line"
      else
        printf '%s error 0 %s\n' "$_id" "runner produced no result"
      fi
    fi
    n=$((n + 1))
  fi
done
exit 0
