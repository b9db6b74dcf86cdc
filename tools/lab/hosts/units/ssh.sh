# LAB FIXTURE (tools/lab/hosts/systemctl): the sshd unit of a lab host, in the foreground, on the host's address.
mkdir -p /run/sshd && chmod 0755 /run/sshd
exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config
