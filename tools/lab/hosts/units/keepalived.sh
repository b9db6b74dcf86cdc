# LAB FIXTURE (tools/lab/hosts/systemctl): the keepalived unit of a lab host (Debian's keepalived), foreground.
exec /usr/sbin/keepalived --dont-fork --log-console --log-detail --use-file /etc/keepalived/keepalived.conf
