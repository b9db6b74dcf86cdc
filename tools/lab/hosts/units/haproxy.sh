# LAB FIXTURE (tools/lab/hosts/systemctl): the HAProxy unit of a lab host (Debian's haproxy), master-worker, foreground.
mkdir -p /run/haproxy
exec /usr/sbin/haproxy -W -db -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid
