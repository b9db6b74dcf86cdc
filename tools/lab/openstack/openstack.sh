#!/usr/bin/env bash
# The lab's OpenStack: real Keystone, Placement, Glance, Nova, Neutron, Octavia and Cinder from Debian 12's
# packages (Zed), on MariaDB and RabbitMQ, every daemon our own process on 127.0.0.1 with all its state in one
# directory, started in the background by setsid (one process group each), recorded by PID and stopped by PID.
#
#   openstack.sh start  <statedir>   initialise what is missing, start every service, wait until each answers,
#                                    register the catalogue and the fixtures; a no-op for what already runs
#   openstack.sh stop   <statedir>   stop every recorded process group (TERM, KILL after 15 s), newest first, then
#                                    any process still marked as this state dir's (also when the dir is gone)
#   openstack.sh status <statedir>   one line per service (exit 0 when all run, 3 when none, 1 otherwise)
#   openstack.sh pids   <statedir>   the live PIDs of the lab's processes (for memory figures and leak checks)
#
# Install first: tools/lab/openstack/install.sh (root). Use it with:
#   OS_CLIENT_CONFIG_FILE=<statedir>/keystone/clouds.yaml openstack --os-cloud osk-lab server list
#
# What is real and what stands in (each stand-in is a lab fixture under tools/lab/openstack/drivers/):
# - Nova runs Nova's own fake virt driver (nova.virt.fake.FakeDriver): one nova-compute process per fake hypervisor
#   host (OSK_LAB_COMPUTES, default 5: hard anti-affinity for 3 masters has room to spare, see [scheduler] below);
#   instances become ACTIVE and are placed by the real scheduler and Placement, but nothing boots.
#   With OSK_LAB_INSTANCE_HOSTS=<dir> at the first start, Nova runs the lab's host driver instead (a FakeDriver
#   that also boots a lab host, tools/lab/hosts, for every instance with an address on the tenant network
#   OSK_LAB_TENANT_GATEWAY, default 192.168.110.1/24, whose gateway is the bridge osk-tenant0 in the machine's
#   namespace: the route a site has to its tenant networks), and Octavia the lab's amphora driver (HAProxy in a
#   namespace holding the VIP, tools/lab/openstack/amphora.sh). The choice is kept in the state dir. The APIs then
#   also answer on that gateway's address, where the catalogue's public endpoints point: Keystone itself, the others
#   through one HAProxy forwarding each port to 127.0.0.1 (api-gateway), so a tenant cluster's cloud controller and
#   CSI driver, pods on the instances, reach them as a site's instances reach its public endpoints.
# - Neutron's ML2 binds ports through the lab mechanism driver `osk_lab` (no agents, no Open vSwitch): ports get
#   bound and ACTIVE, addresses, security groups, routers and floating IPs are real API objects, no packet flows.
# - Octavia runs the amphora provider with its noop amphora/compute/volume/image drivers and the lab network
#   driver `osk_lab_network_driver`, which makes the VIP port in Neutron for real (VIP on the tenant subnet).
# - Cinder runs the fake volume driver shipped in python3-cinder (cinder.tests.fake_driver).
# - Manila is left out: its migrations stop on MariaDB 10.11 (error 1833 at 162a3e673105) and sqlite cannot ALTER.
#
# Secrets: every database, RabbitMQ and service-user password is generated here (openssl rand) into
# <statedir>/secrets (0600, directory 0700) and written only into the services' config files (0600); never onto
# a command line or into a log.
#
# Ports (127.0.0.1 only): Keystone 16000, MariaDB 16306, RabbitMQ 16672 (epmd 16369, distribution 16671),
# Placement 16778, Glance 16292, Nova 16774, Neutron 16696, Octavia 16876, Cinder 16776.
set -euo pipefail

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
HERE=$(cd "$(dirname "$0")" && pwd)
HOST=127.0.0.1
REGION=RegionOne
PY=/usr/bin/python3
COMPUTES=${OSK_LAB_COMPUTES:-5}
TENANT_BRIDGE=osk-tenant0
TENANT_GATEWAY=${OSK_LAB_TENANT_GATEWAY:-192.168.110.1/24}
HOSTS_DIR= # the instance hosts' state dir when the data plane is on (set by start)

P_KEYSTONE=16000 P_MARIADB=16306 P_RABBIT=16672 P_EPMD=16369 P_RABBIT_DIST=16671
P_PLACEMENT=16778 P_GLANCE=16292 P_NOVA=16774 P_NEUTRON=16696 P_OCTAVIA=16876 P_CINDER=16776
KS=http://$HOST:$P_KEYSTONE

# Services with a database and a Keystone service user.
DATABASES=(keystone placement glance nova_api nova nova_cell0 neutron octavia cinder)
SERVICE_USERS=(placement glance nova neutron octavia cinder)

say() { printf '[openstack] %s\n' "$*" >&2; }
die() { printf '[openstack] error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

set_paths() {
  [ -n "${1:-}" ] || usage
  case "$1" in /*) SD=$1 ;; *) SD=$PWD/$1 ;; esac
  SD=${SD%/}
  ETC=$SD/etc SEC=$SD/secrets PIDS=$SD/pids LOGS=$SD/logs
}

# --- processes ----------------------------------------------------------------------------------------------
alive() { # pid $1 exists and is not a zombie
  local rest
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null || return 1
  read -r rest 2>/dev/null <"/proc/$1/stat" || return 1
  rest=${rest##*) }
  [ "${rest%% *}" != Z ]
}

group_pids() { # live PIDs of process group $1
  local stat rest state pgid
  for stat in /proc/[0-9]*/stat; do
    read -r rest 2>/dev/null <"$stat" || continue
    rest=${rest##*) }
    read -r state _ pgid _ <<<"$rest"
    if [ "$pgid" = "$1" ] && [ "$state" != Z ]; then stat=${stat#/proc/}; echo "${stat%/stat}"; fi
  done
  return 0
}

is_ours() { # pid $1 was started for this state dir: its environment carries OSK_LAB_OPENSTACK=$SD, or (for
  # daemons that retitle themselves, which overwrites the environment block) its command line names the state dir
  local -a words
  local w
  mapfile -d '' -t words 2>/dev/null <"/proc/$1/environ" || return 1
  for w in "${words[@]}"; do [ "$w" = "OSK_LAB_OPENSTACK=$SD" ] && return 0; done
  mapfile -d '' -t words 2>/dev/null <"/proc/$1/cmdline" || return 1
  for w in "${words[@]}"; do case "$w" in *"$SD/"*) return 0 ;; esac; done
  return 1
}

running() { # service $1 has a live, recorded process of ours
  local pid
  [ -s "$PIDS/$1.pid" ] || return 1
  pid=$(<"$PIDS/$1.pid")
  alive "$pid" && is_ours "$pid"
}

launch() { # launch NAME CMD ARGS...: our own process group, recorded; stdout/stderr to logs/NAME.log
  local name=$1
  shift
  if running "$name"; then return 0; fi
  OSK_LAB_OPENSTACK=$SD PYTHONPATH=$HERE/drivers setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  printf '%s\n' "$!" >"$PIDS/$name.pid"
  printf '%s\n' "$name" >>"$PIDS/order"
}

stop_group() { # stop_group NAME: TERM the recorded group, KILL what is left after 15 s
  local name=$1 pid i
  [ -s "$PIDS/$name.pid" ] || return 0
  pid=$(<"$PIDS/$name.pid")
  if alive "$pid" && is_ours "$pid"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  fi
  for ((i = 0; i < 150; i++)); do
    [ -z "$(group_pids "$pid")" ] && ! alive "$pid" && break
    sleep 0.1
  done
  if [ -n "$(group_pids "$pid")" ]; then
    say "$name still running after 15 s; SIGKILL"
    kill -KILL -- "-$pid" 2>/dev/null || true
    sleep 0.3
  fi
  rm -f "$PIDS/$name.pid"
}

listening() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

wait_for() { # wait_for NAME SECONDS TEST...: until TEST succeeds, failing early when NAME's process died
  local name=$1 secs=$2 deadline
  shift 2
  deadline=$((SECONDS + secs))
  until "$@"; do
    # Alive is enough here: the PID was recorded a moment ago (and until its exec the child does not carry the
    # environment marker yet, so the stricter check would race on a loaded machine).
    if [ -n "$name" ] && ! alive "$(cat "$PIDS/$name.pid" 2>/dev/null)"; then die "$name exited during startup; last lines of $LOGS/$name.log:
$(tail -n 20 "$LOGS/$name.log" 2>/dev/null)"; fi
    [ "$SECONDS" -lt "$deadline" ] || die "$name did not answer within $secs s; see $LOGS/$name.log"
    sleep 0.5
  done
}

http_answers() { # any HTTP status from URL $1 (the API is up; 401 means it wants a token, which is fine)
  local code
  code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null) || true
  [ -n "$code" ] && [ "$code" != 000 ]
}

# --- secrets ------------------------------------------------------------------------------------------------
secret() { # the password for $1, generated on first use (hex: safe in URLs and ini files)
  local f=$SEC/$1
  if [ ! -s "$f" ]; then
    openssl rand -hex 20 >"$f.tmp" || die "openssl rand failed"
    chmod 600 "$f.tmp" && mv -f "$f.tmp" "$f"
  fi
  cat "$f"
}

db_url() { printf 'mysql+pymysql://%s:%s@%s:%s/%s?charset=utf8' "$1" "$(secret "db-$1")" "$HOST" "$P_MARIADB" "${2:-$1}"; }
transport_url() { printf 'rabbit://osk:%s@%s:%s/' "$(secret rabbitmq)" "$HOST" "$P_RABBIT"; }

# --- MariaDB ------------------------------------------------------------------------------------------------
mysql_root() { mariadb --no-defaults --socket="$SD/mariadb/mysqld.sock" -uroot "$@"; }

start_mariadb() {
  local dir=$SD/mariadb
  mkdir -p "$dir/data"
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(id -un)" --auth-root-authentication-method=socket \
      --skip-test-db >>"$LOGS/mariadb-init.log" 2>&1 || die "mariadb-install-db failed; see $LOGS/mariadb-init.log"
  fi
  # Small buffers: a lab holds a few MiB of data. Many connections: every OpenStack process keeps a pool.
  cat >"$ETC/mariadb.cnf" <<EOF
[mariadbd]
datadir = $dir/data
socket = $dir/mysqld.sock
pid-file = $dir/mysqld.pid
port = $P_MARIADB
bind-address = $HOST
user = $(id -un)
skip-name-resolve
log-error = $LOGS/mariadb-server.log
innodb_buffer_pool_size = 128M
innodb_log_file_size = 32M
innodb_flush_log_at_trx_commit = 2
performance_schema = OFF
max_connections = 1000
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
EOF
  launch mariadb /usr/sbin/mariadbd --defaults-file="$ETC/mariadb.cnf"
}

init_databases() {
  local db user sql=""
  for db in "${DATABASES[@]}"; do
    user=$db
    case "$db" in nova_api | nova_cell0) user=nova ;; esac
    sql+="CREATE DATABASE IF NOT EXISTS \`$db\`; "
  done
  for user in keystone placement glance nova neutron octavia cinder; do
    sql+="CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$(secret "db-$user")'; "
  done
  for db in "${DATABASES[@]}"; do
    user=$db
    case "$db" in nova_api | nova_cell0) user=nova ;; esac
    sql+="GRANT ALL PRIVILEGES ON \`$db\`.* TO '$user'@'127.0.0.1'; "
  done
  # On stdin: the passwords never reach a command line.
  printf '%s\n' "$sql" | mysql_root || die "creating the databases failed"
}

# --- RabbitMQ -----------------------------------------------------------------------------------------------
rabbit_env() {
  # Its own node, cookie, epmd and directories; nothing under /var/lib/rabbitmq.
  export HOME=$SD/rabbitmq RABBITMQ_NODENAME=osk-lab@localhost RABBITMQ_NODE_IP_ADDRESS=$HOST
  export RABBITMQ_NODE_PORT=$P_RABBIT RABBITMQ_DIST_PORT=$P_RABBIT_DIST ERL_EPMD_ADDRESS=$HOST ERL_EPMD_PORT=$P_EPMD
  export RABBITMQ_MNESIA_BASE=$SD/rabbitmq/mnesia RABBITMQ_LOG_BASE=$LOGS RABBITMQ_CONFIG_FILE=$ETC/rabbitmq
  export RABBITMQ_ENABLED_PLUGINS_FILE=$ETC/rabbitmq-plugins RABBITMQ_PID_FILE=$SD/rabbitmq/rabbit.pid
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export RABBITMQ_LOGS=$LOGS/rabbitmq-server.log
}

start_rabbitmq() {
  mkdir -p "$SD/rabbitmq"
  printf '[].\n' >"$ETC/rabbitmq-plugins"
  # The only user, with a generated password; the guest account is not created.
  cat >"$ETC/rabbitmq.conf" <<EOF
default_user = osk
default_pass = $(secret rabbitmq)
default_vhost = /
loopback_users = none
listeners.tcp.default = $HOST:$P_RABBIT
log.console = false
vm_memory_high_watermark.absolute = 512MiB
disk_free_limit.absolute = 50MB
EOF
  chmod 600 "$ETC/rabbitmq.conf"
  (
    rabbit_env
    # epmd in the foreground as a process of ours (erl would otherwise daemonise one that nobody stops).
    launch epmd /usr/bin/epmd -address "$HOST" -port "$P_EPMD"
    wait_for epmd 20 listening "$P_EPMD"
    launch rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
  )
}

rabbit_ready() { listening "$P_RABBIT"; }

# --- Keystone -----------------------------------------------------------------------------------------------
start_keystone() {
  # With instance hosts, Keystone also answers on the tenant network's gateway: the tenant cluster's webhook (a pod
  # on an instance) validates tokens there, as it would at a site's public endpoint.
  local extra=
  [ -z "${HOSTS_DIR:-}" ] || extra=${TENANT_GATEWAY%/*}:$P_KEYSTONE
  KEYSTONE_EXTRA_LISTEN=$extra KEYSTONE_PORT=$P_KEYSTONE KEYSTONE_DATABASE=$(db_url keystone) KEYSTONE_THREADS=8 KEYSTONE_PASSWORD_HASH_ROUNDS=4 \
    OSK_LAB_OPENSTACK=$SD bash "$HERE/../keystone/keystone.sh" start "$SD/keystone"
}

# --- config files -------------------------------------------------------------------------------------------
authtoken() { # [keystone_authtoken] for service user $1
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = $KS/v3
auth_url = $KS/v3
auth_type = password
username = $1
password = $(secret "user-$1")
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = $REGION
interface = public
EOF
}

service_auth() { # a keystoneauth section [$1] logging in as service user $2
  cat <<EOF
[$1]
auth_url = $KS/v3
auth_type = password
username = $2
password = $(secret "user-$2")
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = $REGION
valid_interfaces = public
EOF
}

common() { # [DEFAULT] lines every service shares; $1: log file name
  cat <<EOF
log_file = $LOGS/$1.log
debug = false
use_stderr = false
transport_url = $(transport_url)
EOF
}

write_configs() {
  mkdir -p "$ETC/placement" "$SD/glance/images" "$SD/glance/staging" "$SD/glance/tasks" "$SD/glance/cache" \
    "$SD/nova/instances" "$SD/lock" "$SD/cinder" "$SD/octavia"

  cat >"$ETC/placement/placement.conf" <<EOF
[DEFAULT]
log_file = $LOGS/placement.log
debug = false
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
$(authtoken placement)
EOF

  cat >"$ETC/glance-api.conf" <<EOF
[DEFAULT]
bind_host = $HOST
bind_port = $P_GLANCE
workers = 1
$(common glance-api)
enabled_backends = lab:file
image_cache_dir = $SD/glance/cache
[glance_store]
default_backend = lab
[lab]
filesystem_store_datadir = $SD/glance/images/
[os_glance_staging_store]
filesystem_store_datadir = $SD/glance/staging/
[os_glance_tasks_store]
filesystem_store_datadir = $SD/glance/tasks/
[database]
connection = $(db_url glance)
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $SD/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken glance)
EOF

  cat >"$ETC/nova.conf" <<EOF
[DEFAULT]
$(common nova)
my_ip = $HOST
state_path = $SD/nova
instances_path = $SD/nova/instances
compute_driver = $(if [ -n "$HOSTS_DIR" ]; then echo osk_lab_hosts.LabHostDriver; else echo fake.FakeDriver; fi)
enabled_apis = osapi_compute
osapi_compute_listen = $HOST
osapi_compute_listen_port = $P_NOVA
osapi_compute_workers = 1
# No agent ever reports a plugged VIF: do not wait for one.
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
[api_database]
connection = $(db_url nova nova_api)
[database]
connection = $(db_url nova nova)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 15
# Anti-affinity members booted at once can be sent to the same host before either is on it; the compute host's
# late check then reschedules. The fake hosts weigh the same, so without a shuffle every retry picks the same one
# again, and 3 attempts (the default) ran out in a lab run. A site's Nova copes the same way. The alternates a
# reschedule takes are fixed when the instance is first scheduled: with exactly 3 hosts for 3 masters booted at once,
# a cold run's master collided on all three and went to ERROR ("Exhausted all hosts available"). Hence 5 hosts.
max_attempts = 10
[filter_scheduler]
enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
shuffle_best_same_weighed_hosts = true
[oslo_concurrency]
lock_path = $SD/lock
[oslo_messaging_notifications]
driver = noop
[vnc]
enabled = false
[spice]
enabled = false
$(authtoken nova)
[service_user]
send_service_user_token = true
$(service_auth service_user nova | tail -n +2)
$(service_auth placement nova)
$(service_auth neutron nova)
[glance]
valid_interfaces = public
region_name = $REGION
[cinder]
os_region_name = $REGION
catalog_info = volumev3::publicURL
EOF
  local i
  for ((i = 1; i <= COMPUTES; i++)); do
    printf '[DEFAULT]\nhost = fake-compute-%s\nlog_file = %s\n' "$i" "$LOGS/nova-compute-$i.log" >"$ETC/nova-compute-$i.conf"
    [ -z "$HOSTS_DIR" ] || printf '[osk_lab]\nhosts_dir = %s\nhosts_script = %s\n' "$HOSTS_DIR" "$HERE/../hosts/hosts.sh" >>"$ETC/nova-compute-$i.conf"
  done

  cat >"$ETC/neutron.conf" <<EOF
[DEFAULT]
$(common neutron-server)
bind_host = $HOST
bind_port = $P_NEUTRON
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 0
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
api_paste_config = /etc/neutron/api-paste.ini
state_path = $SD/neutron
# No DHCP agent, no Nova notifications: nothing would receive them.
dhcp_agent_notification = false
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
[database]
connection = $(db_url neutron)
[oslo_concurrency]
lock_path = $SD/lock
[oslo_messaging_notifications]
driver = noop
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
# The lab's binding driver (tools/lab/openstack/drivers): binds every port, as an OVS agent would.
mechanism_drivers = osk_lab
extension_drivers = port_security
[ml2_type_flat]
flat_networks = physnet1
[ml2_type_vxlan]
vni_ranges = 1:1000
$(authtoken neutron)
EOF

  if [ ! -s "$SD/octavia/ca.key" ]; then
    # The amphora certificate authority Octavia insists on, though the noop amphora driver never uses it.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=osk-lab-octavia-ca" \
      -keyout "$SD/octavia/ca.key" -out "$SD/octavia/ca.pem" >/dev/null 2>&1 || die "openssl req failed"
    cat "$SD/octavia/ca.pem" "$SD/octavia/ca.key" >"$SD/octavia/client.pem"
    chmod 600 "$SD/octavia/ca.key" "$SD/octavia/client.pem"
  fi
  cat >"$ETC/octavia.conf" <<EOF
[DEFAULT]
$(common octavia)
[api_settings]
bind_host = $HOST
bind_port = $P_OCTAVIA
auth_strategy = keystone
enabled_provider_drivers = amphora:The Octavia Amphora driver (noop in the lab)
default_provider_driver = amphora
[database]
connection = $(db_url octavia)
[controller_worker]
workers = 1
amphora_driver = $(if [ -n "$HOSTS_DIR" ]; then echo osk_lab_amphora_driver; else echo amphora_noop_driver; fi)
compute_driver = compute_noop_driver
network_driver = osk_lab_network_driver
volume_driver = volume_noop_driver
image_driver = image_noop_driver
distributor_driver = distributor_noop_driver
loadbalancer_topology = SINGLE
$(if [ -n "$HOSTS_DIR" ]; then printf '[osk_lab]\nhosts_dir = %s\namphora_script = %s\namphorae_dir = %s\n[controller_worker]\n' "$HOSTS_DIR" "$HERE/amphora.sh" "$SD/octavia/amphorae"; fi)
# Placeholders: the noop compute driver never boots an amphora.
amp_boot_network_list = 00000000-0000-4000-8000-000000000001
amp_secgroup_list = 00000000-0000-4000-8000-000000000002
amp_flavor_id = 00000000-0000-4000-8000-000000000003
amp_image_tag = amphora
client_ca = $SD/octavia/ca.pem
[task_flow]
jobboard_enabled = false
[certificates]
cert_generator = local_cert_generator
ca_certificate = $SD/octavia/ca.pem
ca_private_key = $SD/octavia/ca.key
server_certs_key_passphrase = $(secret octavia-certs | cut -c1-32)
[haproxy_amphora]
server_ca = $SD/octavia/ca.pem
client_cert = $SD/octavia/client.pem
[health_manager]
heartbeat_key = $(secret octavia-heartbeat)
[oslo_messaging]
topic = octavia_prov
[oslo_concurrency]
lock_path = $SD/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken octavia)
$(service_auth service_auth octavia)
EOF

  cat >"$ETC/cinder.conf" <<EOF
[DEFAULT]
$(common cinder)
my_ip = $HOST
osapi_volume_listen = $HOST
osapi_volume_listen_port = $P_CINDER
osapi_volume_workers = 1
auth_strategy = keystone
api_paste_config = /etc/cinder/api-paste.ini
state_path = $SD/cinder
host = osk-lab
enabled_backends = lab
[lab]
# Cinder's own fake driver (python3-cinder's test tree): volumes are bookkeeping only.
volume_driver = cinder.tests.fake_driver.FakeLoggingVolumeDriver
volume_backend_name = lab
target_helper = fake
[database]
connection = $(db_url cinder)
[oslo_concurrency]
lock_path = $SD/lock
[oslo_messaging_notifications]
driver = noop
$(authtoken cinder)
EOF
  chmod 600 "$ETC"/*.conf "$ETC/placement/placement.conf"
}

# --- schemas ------------------------------------------------------------------------------------------------
logged() { # logged NAME CMD...: run, output to logs/NAME.log, die with its tail on failure
  local name=$1
  shift
  OSK_LAB_OPENSTACK=$SD PYTHONPATH=$HERE/drivers "$@" </dev/null >>"$LOGS/$name.log" 2>&1 \
    || die "$name failed ($*); last lines of $LOGS/$name.log:
$(tail -n 15 "$LOGS/$name.log")"
}

sync_placement() { logged placement-db placement-manage --config-file "$ETC/placement/placement.conf" db sync; }
sync_glance() { logged glance-db glance-manage --config-file "$ETC/glance-api.conf" db_sync; }
sync_neutron() { logged neutron-db neutron-db-manage --config-file "$ETC/neutron.conf" upgrade heads; }
sync_octavia() { logged octavia-db octavia-db-manage --config-file "$ETC/octavia.conf" upgrade head; }
sync_cinder() { logged cinder-db cinder-manage --config-file "$ETC/cinder.conf" db sync; }
sync_nova() {
  local nm=(nova-manage --config-file "$ETC/nova.conf")
  logged nova-db "${nm[@]}" api_db sync
  # cell0's URL is derived from [database] connection (database nova -> nova_cell0): no URL on a command line.
  logged nova-db "${nm[@]}" cell_v2 map_cell0
  local cells
  cells=$("${nm[@]}" cell_v2 list_cells 2>/dev/null) || true
  if ! grep -q '| cell1 ' <<<"$cells"; then
    logged nova-db "${nm[@]}" cell_v2 create_cell --name cell1
  fi
  logged nova-db "${nm[@]}" db sync
}

# The migrations are most of a cold start (about 90 s on 2 cores). What they leave is the same for the same package
# versions, so the first run keeps a dump of it in the cache (keyed by those versions) and later state dirs load
# it. Nothing secret is in it: Keystone's database (users, password hashes) is not dumped, nor Nova's cell mappings
# (they hold the database and broker URLs); those are made per state dir.
CACHE=${OSK_CACHE:-$HOME/.cache/osk}/lab-openstack
SCHEMA_DBS=(placement glance nova_api nova nova_cell0 neutron octavia cinder)
mysqldump_root() { mariadb-dump --no-defaults --socket="$SD/mariadb/mysqld.sock" -uroot --skip-dump-date --routines --triggers "$@"; }

save_schemas() {
  mkdir -p "$CACHE" && chmod 700 "$CACHE"
  { mysqldump_root --databases "${SCHEMA_DBS[@]}" --ignore-table=nova_api.cell_mappings
    printf 'USE `nova_api`;\n'
    mysqldump_root --no-data nova_api cell_mappings
  } >"$SCHEMA_CACHE.tmp" 2>>"$LOGS/schema-cache.log" || { rm -f "$SCHEMA_CACHE.tmp"; say "warning: could not keep the schemas (see $LOGS/schema-cache.log)"; return 0; }
  chmod 600 "$SCHEMA_CACHE.tmp" && mv -f "$SCHEMA_CACHE.tmp" "$SCHEMA_CACHE"
}

load_schemas() {
  mysql_root <"$SCHEMA_CACHE" 2>>"$LOGS/schema-cache.log" || die "loading $SCHEMA_CACHE failed; see $LOGS/schema-cache.log (delete the file to migrate afresh)"
  local nm=(nova-manage --config-file "$ETC/nova.conf")
  logged nova-db "${nm[@]}" cell_v2 map_cell0
  logged nova-db "${nm[@]}" cell_v2 create_cell --name cell1
}

parallel() { # run functions in parallel; fail when any fails
  local f pids=() rc=0 p
  for f in "$@"; do "$f" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  [ "$rc" = 0 ] || die "a step failed (see above)"
}

# --- start --------------------------------------------------------------------------------------------------
# The OpenStack daemons after Keystone and Placement, one line each: name, its config files under etc/
# (comma-separated), the port its API answers on (- for none), and its entry point: a program, or for a daemon with
# no package of its own (nova-compute, cinder-volume: their packages would pull in qemu, LVM, iSCSI) the
# python3-<project> module whose main() it is. Each runs as `ENTRY --config-file ... --log-file logs/NAME.log`.
service_table() {
  local i
  echo "glance-api glance-api.conf $P_GLANCE /usr/bin/glance-api"
  echo "nova-api nova.conf $P_NOVA /usr/bin/nova-api"
  echo "nova-conductor nova.conf - /usr/bin/nova-conductor"
  echo "nova-scheduler nova.conf - /usr/bin/nova-scheduler"
  # nova-compute through the lab's launcher: the lab host driver must be importable from nova.virt.
  for ((i = 1; i <= COMPUTES; i++)); do echo "nova-compute-$i nova.conf,nova-compute-$i.conf - osk_lab_drivers.nova_compute"; done
  echo "neutron-server neutron.conf $P_NEUTRON /usr/bin/neutron-server"
  echo "octavia-api octavia.conf $P_OCTAVIA /usr/bin/octavia-api"
  echo "octavia-worker octavia.conf - /usr/bin/octavia-worker"
  echo "cinder-api cinder.conf $P_CINDER /usr/bin/cinder-api"
  echo "cinder-scheduler cinder.conf - /usr/bin/cinder-scheduler"
  echo "cinder-volume cinder.conf - cinder.cmd.volume"
}

# The APIs on the tenant network's gateway (with instance hosts): one TCP forward per port, to the API on 127.0.0.1.
GATEWAY_PORTS=() # set by cmd_start: the ports the gateway forwards
api_gateway_config() {
  local port
  printf 'global\n  maxconn 4096\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 15m\n  timeout server 15m\n'
  for port in "${GATEWAY_PORTS[@]}"; do
    printf 'listen api-%s\n  bind %s:%s\n  server api %s:%s\n' "$port" "${TENANT_GATEWAY%/*}" "$port" "$HOST" "$port"
  done
}

start_services() {
  if [ -n "$HOSTS_DIR" ]; then
    api_gateway_config >"$ETC/api-gateway.cfg"
    haproxy -c -q -f "$ETC/api-gateway.cfg" || die "HAProxy refuses $ETC/api-gateway.cfg"
    launch api-gateway /usr/sbin/haproxy -W -db -f "$ETC/api-gateway.cfg"
  fi
  # Placement is a WSGI application under uwsgi, not an oslo daemon.
  launch placement /usr/bin/uwsgi-core --plugins python3 --http-socket "$HOST:$P_PLACEMENT" \
    --wsgi-file /usr/bin/placement-api --env "OS_PLACEMENT_CONFIG_DIR=$ETC/placement" --master --processes 1 \
    --threads 4 --die-on-term --no-orphans --lazy-apps --add-header "Connection: close" --buffer-size 65535
  local name confs port entry c args
  while read -r name confs port entry; do
    args=()
    for c in ${confs//,/ }; do args+=(--config-file "$ETC/$c"); done
    args+=(--log-file "$LOGS/$name.log")
    case "$entry" in
      /*) launch "$name" "$entry" "${args[@]}" ;;
      # sys.argv[0] as the package's own script would have it (nova-compute-2 runs as nova-compute).
      *) launch "$name" "$PY" -c "import sys; sys.argv[0] = '${name%-[0-9]*}'; from $entry import main; sys.exit(main())" "${args[@]}" ;;
    esac
  done < <(service_table)
}

wait_services() { # until every API answers, failing early when its daemon died
  local name port
  wait_for placement 120 http_answers "http://$HOST:$P_PLACEMENT/"
  while read -r name _ port _; do
    [ "$port" = - ] || wait_for "$name" 180 http_answers "http://$HOST:$port/"
  done < <(service_table)
  for port in ${GATEWAY_PORTS[@]+"${GATEWAY_PORTS[@]}"}; do wait_for api-gateway 30 http_answers "http://${TENANT_GATEWAY%/*}:$port/"; done
}

admin_py() { # bootstrap.py as the lab's admin
  OS_CLIENT_CONFIG_FILE=$SD/keystone/clouds.yaml OSK_LAB_SECRETS=$SEC "$PY" "$HERE/bootstrap.py" "$@"
}

cmd_start() {
  set_paths "${1:-}"
  [ -x /usr/bin/nova-api ] && [ -x /usr/sbin/mariadbd ] || die "the lab's OpenStack is not installed; run: $HERE/install.sh"
  umask 077
  local t0 t
  t0=$(now)
  mkdir -p "$SD" "$ETC" "$SEC" "$PIDS" "$LOGS"
  chmod 700 "$SD" "$SEC"
  : >>"$PIDS/order"

  # The tenant network's data plane (instances as lab hosts, VIPs served), chosen at the first start and kept.
  HOSTS_DIR=
  if [ -n "${OSK_LAB_INSTANCE_HOSTS:-}" ]; then
    realpath -m -- "$OSK_LAB_INSTANCE_HOSTS" >"$SD/instance-hosts-dir"
  fi
  if [ -s "$SD/instance-hosts-dir" ]; then
    HOSTS_DIR=$(<"$SD/instance-hosts-dir")
    t=$(now)
    OSK_HOSTS_BRIDGE=$TENANT_BRIDGE OSK_HOSTS_GATEWAY=$TENANT_GATEWAY OSK_HOSTS_VETH_PREFIX=osktn \
      bash "$HERE/../hosts/hosts.sh" prepare "$HOSTS_DIR" || die "preparing the instance hosts in $HOSTS_DIR failed"
    mkdir -p "$SD/octavia/amphorae"
    say "instance hosts prepared on $TENANT_BRIDGE ($(awk -F= '$1 == "BRIDGE_ADDR" {print $2}' "$HOSTS_DIR/network")): $(since "$t") s"
  fi

  t=$(now)
  start_mariadb
  start_rabbitmq
  wait_for mariadb 60 test -S "$SD/mariadb/mysqld.sock"
  wait_for mariadb 60 mysql_root -e 'SELECT 1' >/dev/null 2>&1
  init_databases
  say "MariaDB up: $(since "$t") s"
  write_configs

  # Keystone and every schema at once: the migrations are independent of each other and of Keystone. A state dir
  # whose schemas were made by these very package versions skips them (a restart).
  t=$(now)
  local stamp
  stamp=$(dpkg-query -W -f='${Package}=${Version} ' python3-placement python3-glance python3-nova python3-neutron python3-octavia python3-cinder)
  SCHEMA_CACHE=$CACHE/schemas-$(printf '%s' "$stamp" | sha256sum | cut -c1-16).sql
  if [ -s "$SD/schemas" ] && [ "$(<"$SD/schemas")" = "$stamp" ]; then
    start_keystone
  elif [ -s "$SCHEMA_CACHE" ]; then
    parallel start_keystone load_schemas
  else
    parallel start_keystone sync_placement sync_glance sync_nova sync_neutron sync_octavia sync_cinder
    save_schemas
  fi
  printf '%s\n' "$stamp" >"$SD/schemas"
  say "Keystone and database schemas: $(since "$t") s"
  wait_for rabbitmq 120 rabbit_ready

  t=$(now)
  local ports="placement=$P_PLACEMENT,glance=$P_GLANCE,nova=$P_NOVA,neutron=$P_NEUTRON,octavia=$P_OCTAVIA,cinder=$P_CINDER" public=()
  if [ -n "$HOSTS_DIR" ]; then
    GATEWAY_PORTS=("$P_PLACEMENT" "$P_GLANCE" "$P_NOVA" "$P_NEUTRON" "$P_OCTAVIA" "$P_CINDER")
    public=(--public-host "${TENANT_GATEWAY%/*}")
  fi
  admin_py catalog --keystone "$KS/v3" --region "$REGION" --ports "$ports" ${public[@]+"${public[@]}"} \
    >>"$LOGS/bootstrap.log" 2>&1 || die "registering the catalogue failed; see $LOGS/bootstrap.log"
  say "catalogue and service users: $(since "$t") s"

  t=$(now)
  start_services
  wait_services
  say "APIs answering: $(since "$t") s"

  t=$(now)
  admin_py ready --computes "$COMPUTES" --nova-conf "$ETC/nova.conf" >>"$LOGS/bootstrap.log" 2>&1 \
    || die "the compute hosts or the volume service did not come up; see $LOGS/bootstrap.log"
  say "compute hosts mapped, volume service up: $(since "$t") s"
  printf '%s\n' "$COMPUTES" >"$SD/computes" # how many fake hypervisors this start made, for the lab's checks
  say "running: $(status_line)"
  say "started in $(since "$t0") s; use: OS_CLIENT_CONFIG_FILE=$SD/keystone/clouds.yaml openstack --os-cloud osk-lab ..."
}

# --- stop / status ------------------------------------------------------------------------------------------
stop_strays() { # TERM, then after 15 s KILL, every live process of ours that no PID file accounts for
  local left i
  left=$(cmd_pids_raw | paste -sd ' ' -)
  [ -n "$left" ] || return 0
  say "processes of $SD with no PID file left (was the state dir removed?): $left; stopping them"
  # shellcheck disable=SC2086 # a list of PIDs
  kill -TERM $left 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    [ -z "$(cmd_pids_raw)" ] && return 0
    sleep 0.1
  done
  left=$(cmd_pids_raw | paste -sd ' ' -)
  # shellcheck disable=SC2086
  [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
  sleep 0.3
}

cmd_stop() {
  set_paths "${1:-}"
  if [ ! -d "$SD" ]; then
    stop_strays
    say "not running (no $SD)"
    return 0
  fi
  local name left= d
  # The data plane first, while the services that made it are still up: every served VIP, then every instance host.
  for d in "$SD"/octavia/amphorae/*/; do [ -d "$d" ] && bash "$HERE/amphora.sh" remove "$d"; done
  if [ -s "$SD/instance-hosts-dir" ]; then bash "$HERE/../hosts/hosts.sh" down "$(<"$SD/instance-hosts-dir")"; fi
  # Newest first: the services, then RabbitMQ and epmd, then MariaDB (its clients are gone by then).
  if [ -s "$PIDS/order" ]; then
    for name in $(tac "$PIDS/order" | awk '!seen[$0]++'); do
      case "$name" in mariadb | rabbitmq | epmd) continue ;; esac
      stop_group "$name" &
    done
    wait
  fi
  [ -e "$SD/keystone/keystone.conf" ] && bash "$HERE/../keystone/keystone.sh" stop "$SD/keystone" || true
  stop_group rabbitmq
  stop_group epmd
  stop_group mariadb
  rm -f "$PIDS/order"
  stop_strays
  left=$(cmd_pids_raw | paste -sd ' ' -)
  [ -z "$left" ] || die "still running after stop: pids $left"
  say "stopped"
}

cmd_pids_raw() { # every live process of ours (by the environment marker), whatever the PID files say
  local f pid
  for f in /proc/[0-9]*/environ; do
    pid=${f#/proc/}; pid=${pid%/environ}
    [ "$pid" != $$ ] && [ "$pid" != "$BASHPID" ] && is_ours "$pid" 2>/dev/null && echo "$pid"
  done
  return 0
}

status_line() {
  local name up=0 down=0 names=()
  [ -s "$PIDS/order" ] || { echo "nothing started"; return 0; }
  for name in $(awk '!seen[$0]++' "$PIDS/order"); do
    if running "$name"; then up=$((up + 1)); else down=$((down + 1)); names+=("$name"); fi
  done
  echo "$up processes groups up${names:+, down: ${names[*]}}"
}

cmd_status() {
  set_paths "${1:-}"
  [ -s "$PIDS/order" ] || { echo "stopped"; return 3; }
  local name rc=0 any=0
  for name in $(awk '!seen[$0]++' "$PIDS/order"); do
    if running "$name"; then echo "$name running pid=$(<"$PIDS/$name.pid")"; any=1; else echo "$name stopped"; rc=1; fi
  done
  bash "$HERE/../keystone/keystone.sh" status "$SD/keystone" | sed 's/^/keystone /' || rc=1
  [ "$any" = 1 ] || return 3
  return "$rc"
}

case "${1:-}" in
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status "${2:-}" ;;
  pids) set_paths "${2:-}"; cmd_pids_raw ;;
  *) usage ;;
esac
