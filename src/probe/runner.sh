# netproof probe runner: one static POSIX sh script, run unchanged in netshoot
# (busybox ash) and in the lab (dash). Invoked as
#   sh -c "<this script>" netproof-probe v1 <probe>...
# where every probe is exactly 7 arguments:
#   id kind host port timeout a b
#     tcp|udp|sctp: a = expected identity ("" = none), b = ""
#     http:         a = method, b = path (starting with /)
#     dns:          host = name to resolve, port = server port, a = server ("" = resolv.conf), b = ""
# timeout T is in whole seconds, 1 to 999; a port is 1 to 65535. The probe list only ever arrives as arguments
# and every value is quoted: no value is ever evaluated by a shell.
#
# All probes run at once, writing to a temp dir (tmpfs when there is one) that
# is removed on exit: HTTP probes and TCP probes that expect an identity in
# curl batches (one curl process per 250, see "Batches"), every other probe in
# its own background job. Output: exactly one line per probe, in argument
# order, and nothing else:
#   <id> <outcome> <ms> <detail>
# outcome: connected | refused | timeout | dns-error | http:<status> | error
# ms has 10 ms resolution (/proc/uptime; 1 s if that is unreadable); 1 ms in a
# batch (curl's own timing).
# Connecting takes at most T s: a drop is a timeout after T. A server that
# accepted gets up to T s more to answer (2T in all) before the probe is an
# error, never a timeout. UDP takes ~T + 0.4 s (nc waits for its idle timeout
# after three sends); a name that hangs in resolution is killed at 2T + 1 s.
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

# line id outcome ms detail: the result line of one probe
line() {
  _d=$4
  case "$_d" in *[![:print:]]*) _d=$(printf '%s' "$_d" | tr -c '[:print:]' ' ') ;; esac
  printf '%s %s %s %s\n' "$1" "$2" "$3" "$_d"
}

# emit id outcome start detail: the result line, timed from start
emit() {
  now_ms
  line "$1" "$2" "$((_now - $3))" "$4"
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

# identity_verdict expected got: sets _o and _d, the outcome and detail once a
# server answered
identity_verdict() {
  if [ -z "$1" ] || [ "$2" = "$1" ]; then
    _o=connected _d=$2
  elif [ -z "$2" ]; then
    _o=error _d="connected but no identity answered, expected $1"
  else
    _o=error _d="answered by $2, expected $1"
  fi
}

# check_identity id start expected got: the result line once a server answered
check_identity() {
  identity_verdict "$3" "$4"
  emit "$1" "$_o" "$2" "$_d"
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

# curl_verdict kind expect exit http-code time-connect pod error: sets _o and
# _d from what curl said of one request (kind http, or tcp with an identity)
curl_verdict() {
  case "$3" in
    0)
      if [ "$1" = http ]; then
        _o=http:$4 _d=$6
      else
        identity_verdict "$2" "$6"
      fi
      ;;
    6) _o=dns-error _d=$7 ;;
    7)
      classify_failure "$7"
      if [ "$_cls" = refused ]; then _o=refused _d=$_cls_detail; else _o=refused _d="could not connect"; fi
      ;;
    28 | 52 | 56)
      # Timed out, empty reply, reset: before the connection was made, that
      # is the network; after it, the server.
      case "$5" in
        *[1-9]*)
          if [ "$1" = tcp ]; then
            identity_verdict "$2" ""
          else
            _o=error _d="connected, then no HTTP answer: $7"
          fi
          ;;
        *)
          case "$7" in
            Resolving*) _o=dns-error _d="name resolution timed out" ;;
            *) _o=timeout _d="no answer" ;;
          esac
          ;;
      esac
      ;;
    *) _o=error _d="curl exit $3: $7" ;;
  esac
}

# One curl per probe, for a curl too old to batch (see "Batches").
probe_http() { # id host port T method path work start
  command -v curl >/dev/null 2>&1 || { emit "$1" error "$8" "curl not found"; return; }
  case "$2" in *:*) _h="[$2]" ;; *) _h=$2 ;; esac
  if [ "$5" = HEAD ]; then
    set -- "$1" "$_h" "$3" "$4" "$5" "$6" "$7" "$8" --head
  else
    set -- "$1" "$_h" "$3" "$4" "$5" "$6" "$7" "$8" -X "$5"
  fi
  curl -q -g -sS --noproxy '*' -o /dev/null -D "$7.hdr" -w '%{http_code} %{time_connect}' \
    --connect-timeout "$4" --max-time $(($4 * 2)) "$9" ${10+"${10}"} "http://$2:$3$6" >"$7.code" 2>"$7.err"
  _rc=$?
  read_first "$7.code"
  _code=${_line%% *}
  _tc=${_line#* }
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
  read_first "$7.err"
  curl_verdict http "" "$_rc" "$_code" "$_tc" "$_pod" "${_line#curl: (*) }"
  emit "$1" "$_o" "$8" "$_d"
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

# invalid kind host port timeout a b: sets _bad to what is wrong with a probe's
# arguments, or to "" when they are usable
invalid() {
  _bad=
  case "$1" in
    tcp | udp | sctp | http | dns) ;;
    *) _bad="unknown probe kind" && return 0 ;;
  esac
  # Checked as text before any arithmetic: a number the shell cannot hold (or
  # a leading 0, octal to $((...))) would end the shell, and with it a batch.
  case "$3" in [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9]) ;; *) _bad="bad port" && return 0 ;; esac
  [ "$3" -le 65535 ] || { _bad="bad port" && return 0; }
  case "$4" in [1-9] | [1-9][0-9] | [1-9][0-9][0-9]) ;; *) _bad="bad timeout" && return 0 ;; esac
  # Names and addresses only: a host is never an option or part of a URL.
  case "$2" in '' | -* | *[!A-Za-z0-9._:-]*) _bad="bad host" && return 0 ;; esac
  case "$1" in
    http)
      case "$5" in '' | *[!A-Z]*) _bad="bad method" && return 0 ;; esac
      case "$6" in /*) ;; *) _bad="bad path" && return 0 ;; esac
      case "$6" in *[![:graph:]]*) _bad="bad path" ;; esac
      ;;
    dns) case "$5" in -*) _bad="bad dns server" ;; esac ;;
  esac
  return 0
}

# probe index id kind host port timeout a b
probe() {
  now_ms
  _start=$_now
  _w="$dir/$1"
  shift
  invalid "$2" "$3" "$4" "$5" "$6" "$7"
  [ -z "$_bad" ] || { emit "$1" error "$_start" "$_bad"; return; }
  case "$2" in
    tcp) probe_tcp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    udp) probe_udp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    sctp) probe_sctp "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
    http) probe_http "$1" "$3" "$4" "$5" "$6" "$7" "$_w" "$_start" ;;
    dns) probe_dns "$1" "$3" "$4" "$5" "$6" "$_w" "$_start" ;;
  esac
}

# Batches: with a curl that has --parallel (7.66), %{exitcode} and %{errormsg}
# (7.75) and %header{} (7.84), every HTTP probe and every TCP probe that expects
# an identity (the target is a netproof server, which speaks HTTP on every TCP
# port) goes through one curl process per BATCH_MAX probes instead of a shell
# and an nc each: a thousand probes then cost a few processes, not thousands.
# Older curl, or none: each probe runs on its own as above.
BATCH_MAX=250
_batch=0
if command -v curl >/dev/null 2>&1; then
  _v=$(curl -V 2>/dev/null)
  _v=${_v#curl }
  _v=${_v%%[!0-9.]*}
  _maj=${_v%%.*}
  _min=${_v#*.}
  _min=${_min%%.*}
  if is_uint "$_maj" && is_uint "$_min"; then
    if [ "$_maj" -gt 7 ] || { [ "$_maj" -eq 7 ] && [ "$_min" -ge 84 ]; }; then
      _batch=1
    fi
  fi
fi

# batched kind expect: whether a probe goes into a curl batch
batched() {
  [ "$_batch" = 1 ] || return 1
  case "$1" in
    http) return 0 ;;
    tcp) [ -n "$2" ] ;;
    *) return 1 ;;
  esac
}

# Each batch is a curl config file (one operation per probe, `next` between
# them) and a list of "index id" lines, both written by the main loop as it
# walks the arguments once: no batch ever sees, copies or rotates the whole
# argument list, so the cost is linear in the probes. Values reach the config
# unquoted only where they cannot hold whitespace or quotes (checked by
# invalid()); the write-out format carries ids, which are [A-Za-z0-9._-].

# batch_open b: starts batch file b on fd 4 (config) and fd 5 (index id list)
batch_open() {
  exec 4>"$dir/batch.$1.cfg" 5>"$dir/batch.$1.ids"
  _bops=0
}

# batch_add n id kind host port T a b: one curl operation, for a valid probe,
# written with one printf (each redirection costs syscalls)
batch_add() {
  case "$4" in *:*) _host="[$4]" ;; *) _host=$4 ;; esac
  # The expected identity rides in the write-out line ("+identity") when it
  # is plain; otherwise it goes to a file ("=") that curl_report reads.
  _exp=-
  if [ "$3" = tcp ]; then
    case "$7" in
      *[!A-Za-z0-9._/:-]*)
        printf '%s' "$7" >"$dir/$1.expect"
        _exp='='
        ;;
      *) _exp="+$7" ;;
    esac
    _req=
    _path=/
  elif [ "$7" = HEAD ]; then
    _req='head'
    _path=$8
  else
    _req="request = $7"
    _path=$8
  fi
  if [ "$_bops" -eq 0 ]; then _next=; else _next='next'; fi
  _bops=$((_bops + 1))
  # A connect gets T; an answer T more, so a slow server is not a silent drop.
  printf '%s\nurl = http://%s:%s%s\n%s\ngloboff\nnoproxy = "*"\noutput = "/dev/null"\nconnect-timeout = %s\nmax-time = %s\nwrite-out = "%s %s %s %s %%{exitcode} %%{http_code} %%{time_connect} %%{time_total} %%header{x-netproof-pod} :%%{errormsg}\\n"\n' \
    "$_next" "$_host" "$5" "$_path" "$_req" "$6" "$(($6 * 2))" "$1" "$2" "$3" "$_exp" >&4
  printf '%s %s\n' "$1" "$2" >&5
}

# batch_close b: closes batch file b and runs it in the background
batch_close() {
  exec 4>&- 5>&-
  (curl_batch "$1") </dev/null >/dev/null 2>&1 &
}

# curl_batch b: runs batch b in one curl process and writes its result lines
curl_batch() {
  # In the background, so that a runner stopped by a signal stops its curl too.
  curl -q -s -Z --parallel-max 300 --parallel-immediate -K "$dir/batch.$1.cfg" >"$dir/batch.$1.out" 2>"$dir/batch.$1.err" &
  _curl=$!
  trap 'kill "$_curl" 2>/dev/null; exit 143' TERM
  wait "$_curl"
  _rc=$?
  trap - TERM
  while IFS= read -r _l; do
    curl_report "$_l"
  done <"$dir/batch.$1.out"
  # A curl that failed as a whole (bad option, out of memory) printed nothing
  # for some probes.
  read_first "$dir/batch.$1.err"
  _err=$_line
  while read -r _n _id; do
    [ -s "$dir/$_n.line" ] || line "$_id" error 0 "curl exit $_rc: $_err" >"$dir/$_n.line"
  done <"$dir/batch.$1.ids"
}

# curl_report writeout-line: the result line of one batched probe
curl_report() {
  # n id kind expect exit http-code time-connect time-total pod :errormsg
  _rest=$1
  _n=${_rest%% *} _rest=${_rest#* }
  _id=${_rest%% *} _rest=${_rest#* }
  _kind=${_rest%% *} _rest=${_rest#* }
  _exp=${_rest%% *} _rest=${_rest#* }
  _x=${_rest%% *} _rest=${_rest#* }
  _code=${_rest%% *} _rest=${_rest#* }
  _tc=${_rest%% *} _rest=${_rest#* }
  _tt=${_rest%% *} _rest=${_rest#* }
  _pod=${_rest%% :*}
  _err=${_rest#* :}
  is_uint "$_n" || return 0
  _s=${_tt%%[.,]*}
  _f=${_tt#*[.,]}000
  _f=${_f%"${_f#???}"}
  _f=${_f#0}
  _f=${_f#0}
  is_uint "$_s" && is_uint "$_f" && _ms=$((_s * 1000 + _f)) || _ms=0
  case "$_exp" in
    +*) _expect=${_exp#+} ;;
    =) read_first "$dir/$_n.expect" && _expect=$_line ;;
    *) _expect= ;;
  esac
  curl_verdict "$_kind" "$_expect" "$_x" "$_code" "$_tc" "$_pod" "$_err"
  line "$_id" "$_o" "$_ms" "$_d" >"$dir/$_n.line"
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
# A run's dir is named after its pid. A run killed with SIGKILL cannot clean
# up, so each run first removes the dirs of runs whose pid is gone (its own
# prefix only, in its own base dir).
for _d in "$_base"/netproof-probe.*; do
  [ -d "$_d" ] || continue
  _p=${_d##*/netproof-probe.}
  _p=${_p%%.*}
  is_uint "$_p" || continue
  kill -0 "$_p" 2>/dev/null || rm -rf "$_d" 2>/dev/null
done
dir=$(mktemp -d "$_base/netproof-probe.$$.XXXXXX") || {
  echo "netproof-probe: cannot create a temp dir" >&2
  exit 3
}
# On a signal the jobs still running are stopped first; the dir is renamed
# before it is removed, so a job that is still starting creates nothing in it.
cleanup() {
  trap - EXIT INT TERM HUP PIPE
  # Not $(jobs -p): dash lists no jobs in a command substitution.
  if jobs -p >"$dir/jobs" 2>/dev/null; then
    while read -r _j; do kill "$_j" 2>/dev/null; done <"$dir/jobs"
  fi
  if mv "$dir" "$dir.gone" 2>/dev/null; then rm -rf "$dir.gone"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'cleanup; exit 129' HUP
trap 'cleanup; exit 141' PIPE
printf 'netproof\n' >"$dir/payload"

# usable_id id: the id can be printed unambiguously as the first word of a line
usable_id() {
  case "$1" in '' | *[!A-Za-z0-9._-]*) return 1 ;; *) return 0 ;; esac
}

# The arguments are walked once, without shifting, so the ids are still there
# for the output pass. Probe n's files are named $dir/<FIRST + n>.*: all of
# the same width.
FIRST=10000000
n=$FIRST
k=0
_b=0
_bcount=0
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
      if ! usable_id "$a1"; then
        # The caller sees this probe missing from the output.
        echo "netproof-probe: probe $((n - FIRST)) has an unusable id" >&2
      elif batched "$a2" "$a6"; then
        invalid "$a2" "$a3" "$a4" "$a5" "$a6" "$_a"
        if [ -n "$_bad" ]; then
          line "$a1" error 0 "$_bad" >"$dir/$n.line"
        else
          [ "$_bcount" -gt 0 ] || batch_open "$_b"
          batch_add "$n" "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$_a"
          _bcount=$((_bcount + 1))
          if [ "$_bcount" -ge "$BATCH_MAX" ]; then
            batch_close "$_b"
            _b=$((_b + 1)) _bcount=0
          fi
        fi
      else
        (probe "$n" "$a1" "$a2" "$a3" "$a4" "$a5" "$a6" "$_a") </dev/null >"$dir/$n.line" 2>/dev/null &
      fi
      n=$((n + 1))
      ;;
  esac
done
[ "$_bcount" -eq 0 ] || batch_close "$_b"
wait

# Every probe with a usable id has a line; then one cat prints them all in
# argument order (the file names are fixed-width numbers, and a glob sorts),
# instead of a shell read per line, which reads one byte at a time.
n=$FIRST
k=0
for _a in "$@"; do
  k=$((k + 1))
  [ "$k" -eq 1 ] && _id=$_a
  if [ "$k" -eq 7 ]; then
    k=0
    if usable_id "$_id"; then
      [ -s "$dir/$n.line" ] || printf '%s error 0 %s\n' "$_id" "runner produced no result" >"$dir/$n.line"
    fi
    n=$((n + 1))
  fi
done
[ "$n" -eq "$FIRST" ] || cat "$dir"/*.line
exit 0
